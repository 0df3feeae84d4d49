/**
 * State-changing route handlers refuse requests a page on another origin makes a signed-in browser send,
 * as Next.js does for server actions: the real route handler module, a real SQLite database and a real
 * Redis; only Next.js's cookie reader is replaced, with a request carrying a real session cookie.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);

const dir = tempDir("route-origin");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "44".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { POST: startTree } = await import("@/app/api/c/[id]/keys/tree/route");
// Next.js passes every handler the request, whatever its declared parameters.
const session = (await import("@/app/api/session/route")).GET as unknown as (request: Request) => Promise<Response>;

describe("route handlers and the Origin of a request", () => {
  let redis: RedisServer;
  let id = "";
  beforeAll(async () => {
    redis = await startRedis();
    await redis.raw().set("k", "v");
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const user = await db().user.create({ data: { email: "viewer@example.test", passwordHash: "x", role: "viewer" } });
    request.cookie = "viewer-token";
    await db().session.create({ data: { id: createHash("sha256").update(request.cookie).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 60_000) } });
    id = (await db().connectionProfile.create({ data: { name: "r", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } })).id;
  });
  afterAll(async () => {
    await db().$disconnect();
    await redis?.stop();
    removeDir(dir);
  });

  const post = (headers: Record<string, string>) =>
    startTree(new Request(`http://127.0.0.1:3000/api/c/${id}/keys/tree`, { method: "POST", headers: { host: "127.0.0.1:3000", ...headers } }), {
      params: Promise.resolve({ id }),
    });

  it("refuses a keyspace scan started from another origin", async () => {
    const attempts: Record<string, string>[] = [
      { origin: "http://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "http://evil.example" },
      { "sec-fetch-site": "same-site" },
      { origin: "null" },
    ];
    for (const headers of attempts) {
      const response = await post(headers);
      expect({ headers, status: response.status }).toEqual({ headers, status: 403 });
      expect(await response.json()).toMatchObject({ ok: false, code: "CROSS_ORIGIN" });
    }
  });

  it("accepts the same request from the app's own pages and from clients that are not browsers", async () => {
    const attempts: Record<string, string>[] = [{ origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin" }, {}];
    for (const headers of attempts) {
      const response = await post(headers);
      expect(response.status).toBe(200);
      expect(await response.json()).toHaveProperty("generation");
    }
  });

  it("leaves reads alone: a GET is never refused for its Origin", async () => {
    const response = await session(new Request("http://127.0.0.1:3000/api/session", { headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" } }));
    expect(response.status).toBe(200);
  });
});
