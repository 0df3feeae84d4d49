import type { NextConfig } from "next";

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
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          // Nothing here needs a camera, a microphone, a location or a payment sheet; no embedded page gets them either.
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), browsing-topics=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
