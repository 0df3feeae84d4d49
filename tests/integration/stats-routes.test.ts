/**
 * The stats and overview route handlers against real Redis, memcached and uWSGI servers: the real handler
 * modules, a real SQLite database and the server-side sampler at a short interval; only Next.js's cookie
 * reader is replaced, with a request carrying a real session cookie.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { StatsReply, OverviewReply } from "@/lib/stats/replies";
import { pointsOf } from "@/lib/stats/history";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { freePort, removeDir, tempDir, waitFor } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);

const dir = tempDir("stats-routes");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "55".repeat(32);
process.env.CACHEBOARD_STATS_SAMPLE_MS = "250";
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { deleteProfile } = await import("@/lib/connections/store");
const { sampledConnectionIds } = await import("@/lib/stats/sampler");
// Next.js passes every handler the request and its params, whatever its declared parameters.
type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
const statsRoute = (await import("@/app/api/connections/[id]/stats/route")).GET as unknown as Handler;
const overviewRoute = (await import("@/app/api/connections/overview/route")).GET as unknown as (request: Request) => Promise<Response>;

async function stats(id: string, since?: number): Promise<StatsReply> {
  const response = await statsRoute(new Request(`http://127.0.0.1:3000/api/connections/${id}/stats${since ? `?since=${since}` : ""}`), { params: Promise.resolve({ id }) });
  expect(response.status).toBe(200);
  return (await response.json()) as StatsReply;
}

async function overview(): Promise<OverviewReply> {
  const response = await overviewRoute(new Request("http://127.0.0.1:3000/api/connections/overview"));
  expect(response.status).toBe(200);
  return (await response.json()) as OverviewReply;
}

describe("stats and overview routes on real servers", () => {
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;
  const ids = { redis: "", memcached: "", uwsgi: "", down: "" };

  beforeAll(async () => {
    [redis, memcached, uwsgi] = await Promise.all([startRedis(), startMemcached(1), startUwsgi([{ name: "stats", items: 100, blocksize: 4096 }])]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const user = await db().user.create({ data: { email: "viewer@example.test", passwordHash: "x", role: "viewer" } });
    request.cookie = "viewer-token";
    await db().session.create({ data: { id: createHash("sha256").update(request.cookie).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    const create = async (name: string, kind: string, settings: unknown, timeoutMs = 5_000) =>
      (await db().connectionProfile.create({ data: { name, kind, settings: JSON.stringify(settings), readOnly: true, timeoutMs } })).id;
    ids.redis = await create("redis", "redis", { host: "127.0.0.1", port: redis.port });
    ids.memcached = await create("memcached", "memcached", { servers: memcached.addresses });
    ids.uwsgi = await create("uwsgi", "uwsgi", { address: uwsgi.address, statsAddress: uwsgi.statsAddress }, UWSGI_TEST_TIMEOUT_MS);
    ids.down = await create("down", "redis", { host: "127.0.0.1", port: await freePort() }, 1_000);
  });
  afterAll(async () => {
    for (const id of sampledConnectionIds()) await deleteProfile(id).catch(() => undefined);
    await db().$disconnect();
    await Promise.all([redis?.stop(), memcached?.stop(), uwsgi?.stop()]);
    removeDir(dir);
  });

  it("samples a read-only Redis on the server and reports the interval's hit ratio from keyspace hits and misses", async () => {
    const raw = redis.raw();
    await raw.set("a", "1");
    const first = await stats(ids.redis);
    expect(first).toMatchObject({ ok: true, intervalMs: 250, capacity: 720, failure: null });
    expect(first.latest?.stats.version).toMatch(/^7\./);
    // Reads made between samples: three hits and one miss, so some interval shows a ratio below 1.
    let held = first.samples;
    await waitFor(
      "a sampled interval with reads",
      async () => {
        await raw.get("a");
        await raw.get("a");
        await raw.get("a");
        await raw.get("missing");
        held = [...held, ...(await stats(ids.redis, held[held.length - 1]?.at)).samples];
        return pointsOf(held).some((p) => p.hitRatio !== null && p.hitRatio > 0 && p.hitRatio < 1);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const points = pointsOf(held);
    expect(points.some((p) => p.opsPerSec !== null && p.opsPerSec > 0)).toBe(true);
    expect(held.every((s, i) => i === 0 || s.at > held[i - 1].at)).toBe(true);
    // A later visit gets the history from the server, not an empty chart.
    const again = await stats(ids.redis);
    expect(again.samples.length).toBeGreaterThanOrEqual(held.length);
    expect(again.samples[0].at).toBeLessThanOrEqual(held[0].at);
    // `since` returns only what is newer.
    const newest = again.samples[again.samples.length - 1].at;
    expect((await stats(ids.redis, newest)).samples.every((s) => s.at > newest)).toBe(true);
  });

  it("reports memcached's get_hits and get_misses and uWSGI's cache hits and misses", async () => {
    await memcached.rawSet(Buffer.from("m"), Buffer.from("v"));
    await uwsgi.app({ op: "set", cache: "stats", key: Buffer.from("u"), value: Buffer.from("v") });
    await memcached.rawGet(Buffer.from("m"));
    await memcached.rawGet(Buffer.from("absent"));
    await uwsgi.app({ op: "get", cache: "stats", key: Buffer.from("u") });
    await uwsgi.app({ op: "get", cache: "stats", key: Buffer.from("absent") });
    await waitFor(
      "readings that include the reads",
      async () => {
        const [m, u] = await Promise.all([stats(ids.memcached), stats(ids.uwsgi)]);
        return (m.latest?.stats.hits ?? 0) >= 1 && (m.latest?.stats.misses ?? 0) >= 1 && (u.latest?.stats.hits ?? 0) >= 1 && (u.latest?.stats.misses ?? 0) >= 1;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const m = await stats(ids.memcached);
    expect(m.latest?.stats.version).toMatch(/^1\./);
    expect(m.samples.at(-1)).toMatchObject({ ok: true, keys: 1 });
    const u = await stats(ids.uwsgi);
    expect(u.latest?.stats.version).toMatch(/^2\./);
    expect(u.samples.at(-1)).toMatchObject({ ok: true, keys: 1, memoryUsed: null, memoryMax: 100 * 4096 });
  });

  it("gives every connection's figures on the overview, the unreachable one with its error, without holding up the others", async () => {
    const reply = await overview();
    const byId = new Map(reply.connections.map((c) => [c.id, c]));
    expect(reply.connections).toHaveLength(4);
    expect(byId.get(ids.redis)?.figures).toMatchObject({ version: expect.stringMatching(/^7\./), keys: 1, memoryUsed: expect.any(Number) });
    expect(byId.get(ids.redis)?.figures?.hitRatio).toBeGreaterThan(0);
    expect(byId.get(ids.memcached)?.figures).toMatchObject({ keys: 1, hitRatio: 0.5, memoryMax: expect.any(Number) });
    expect(byId.get(ids.uwsgi)?.figures).toMatchObject({ keys: 1, hitRatio: 0.5, version: expect.stringMatching(/^2\./) });
    await waitFor("the unreachable connection's failure", async () => (await overview()).connections.find((c) => c.id === ids.down)?.failure !== null, { timeoutMs: 10_000 });
    const down = (await overview()).connections.find((c) => c.id === ids.down)!;
    expect(down.figures).toBeNull();
    expect(down.failure?.code).toBe("CONNECTION_REFUSED");
  });

  it("stops sampling a connection when it is deleted", async () => {
    expect(sampledConnectionIds()).toContain(ids.down);
    await deleteProfile(ids.down);
    expect(sampledConnectionIds()).not.toContain(ids.down);
    expect((await overview()).connections.map((c) => c.id)).not.toContain(ids.down);
    expect(sampledConnectionIds()).not.toContain(ids.down);
  });

  it("answers 404 for a connection that does not exist", async () => {
    const response = await statsRoute(new Request("http://127.0.0.1:3000/api/connections/nope/stats"), { params: Promise.resolve({ id: "nope" }) });
    expect(response.status).toBe(404);
    expect(sampledConnectionIds()).not.toContain("nope");
  });
});
