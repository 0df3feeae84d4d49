import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Next.js enforces this marker at build time; under test it is just a module.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty-module.ts"),
    },
  },
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    // One app server and one browser per file; files run one after another so they do not fight for 2 cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ["tests/e2e/support/global-setup.ts"],
  },
});
