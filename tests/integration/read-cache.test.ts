/**
 * The session and connection lookups every request makes are memoised across a burst of requests, and a
 * change made through the app's database client is seen by the very next request: a lowered role, a
 * disabled user, a signed-out session, an edited profile. The real route handler, a real SQLite database
 * and a real Redis; only Next.js's cookie reader is replaced. The memo's time limit is set far beyond the
 * test's length, so what passes here is invalidation, never a clock running out.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { createDb } from "@/lib/db-factory";
import { removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);

const dir = tempDir("read-cache");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "66".repeat(32);
process.env.CACHEBOARD_READ_CACHE_MS = String(3_600_000);

const { db } = await import("@/lib/db");
const { loadConnection } = await import("@/lib/connections/load");
const session = (await import("@/app/api/session/route")).GET as unknown as (request: Request) => Promise<Response>;
const { POST: readKey } = await import("@/app/api/c/[id]/key/route");

const whoAmI = async () => {
  const response = await session(new Request("http://127.0.0.1:3000/api/session"));
  return { status: response.status, body: (await response.json()) as { user?: { role: string; email: string } } };
};

describe("memoised session and connection lookups", () => {
  let redis: RedisServer;
  let userId = "";
  let connectionId = "";
  const token = "read-cache-token";
  const sessionId = createHash("sha256").update(token).digest("hex");
  beforeAll(async () => {
    redis = await startRedis();
    await redis.raw().set("greeting", "hello");
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    userId = (await db().user.create({ data: { email: "editor@example.test", passwordHash: "x", role: "editor" } })).id;
    await db().session.create({ data: { id: sessionId, userId, expiresAt: new Date(Date.now() + 3_600_000) } });
    connectionId = (await db().connectionProfile.create({ data: { name: "first", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } })).id;
    request.cookie = token;
  });
  afterAll(async () => {
    await db().$disconnect();
    await redis?.stop();
    removeDir(dir);
  });

  it("answers a burst from the memo: a row removed behind the app's back is not looked up again", async () => {
    expect(await whoAmI()).toMatchObject({ status: 200, body: { user: { role: "editor" } } });
    // Another client on the same file is another process as far as the memo knows: no invalidation.
    const other = createDb(process.env.DATABASE_URL);
    try {
      await other.user.update({ where: { id: userId }, data: { email: "renamed@example.test" } });
      expect((await whoAmI()).body.user?.email).toBe("editor@example.test");
    } finally {
      await other.user.update({ where: { id: userId }, data: { email: "editor@example.test" } });
      await other.$disconnect();
    }
  });

  it("sees a lowered role on the next request", async () => {
    expect((await whoAmI()).body.user?.role).toBe("editor");
    await db().user.update({ where: { id: userId }, data: { role: "viewer" } });
    expect((await whoAmI()).body.user?.role).toBe("viewer");
  });

  it("refuses a disabled user and a deleted session on the next request", async () => {
    expect((await whoAmI()).status).toBe(200);
    await db().user.update({ where: { id: userId }, data: { disabled: true } });
    expect((await whoAmI()).status).toBe(401);
    await db().user.update({ where: { id: userId }, data: { disabled: false } });
    expect((await whoAmI()).status).toBe(200);
    await db().session.deleteMany({ where: { id: sessionId } });
    expect((await whoAmI()).status).toBe(401);
    await db().session.create({ data: { id: sessionId, userId, expiresAt: new Date(Date.now() + 3_600_000) } });
  });

  it("memoises the connection profile and drops it when the profile is edited or deleted", async () => {
    const first = await loadConnection(connectionId);
    expect(first?.profile.name).toBe("first");
    expect(await loadConnection(connectionId)).toBe(first);
    await db().connectionProfile.update({ where: { id: connectionId }, data: { name: "second" } });
    expect((await loadConnection(connectionId))?.profile.name).toBe("second");

    const read = await readKey(
      new Request(`http://127.0.0.1:3000/api/c/${connectionId}/key`, { method: "POST", body: JSON.stringify({ key: Buffer.from("greeting").toString("base64") }) }),
      { params: Promise.resolve({ id: connectionId }) },
    );
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ ok: true, read: { type: "string" } });
    expect(read.headers.get("server-timing")).toMatch(/^app;dur=\d+\.\d\d$/);

    await db().connectionProfile.delete({ where: { id: connectionId } });
    expect(await loadConnection(connectionId)).toBeNull();
  });
});
