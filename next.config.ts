import type { NextConfig } from "next";
import { SECURITY_HEADERS } from "./lib/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Lets parallel test runs build into their own folders instead of fighting over .next.
  distDir: process.env.CACHEBOARD_DIST_DIR || ".next",
  // Native and server-only packages stay outside the bundle.
  serverExternalPackages: ["better-sqlite3", "ioredis", "pg"],
  experimental: {
    // unauthorized()/forbidden(): pages, route handlers and actions answer real 401/403 statuses.
    authInterrupts: true,
    serverActions: { bodySizeLimit: "8mb" },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: Object.entries(SECURITY_HEADERS).map(([key, value]) => ({ key, value })),
      },
    ];
  },
};

export default nextConfig;
