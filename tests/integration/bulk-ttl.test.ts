/**
 * Bulk expiry through the real actions, jobs and audit log: "set a TTL on keys without one" over a namespace
 * (Redis, memcached, uWSGI) and over a selection of keys, its preview count, keys that had a TTL keeping
 * theirs, typed confirmation on production enforced by the server, and one audit entry with the count.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { PrefixResult } from "@/lib/drivers/types";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { testRequest } from "../support/next-request";

vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("bulk-ttl");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "58".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { countNamespace } = await import("@/lib/actions/namespaces/count-namespace");
const { expireNamespace } = await import("@/lib/actions/namespaces/expire-namespace");
const { expireKeys } = await import("@/lib/actions/keys/expire-keys");
const { countKeysWithoutTtl } = await import("@/lib/actions/keys/count-keys-without-ttl");
const { readJob } = await import("@/lib/server/keys/jobs");
const { createProfile } = await import("@/lib/connections/store");
const { loadConnection } = await import("@/lib/connections/load");

const b64 = (text: string) => Buffer.from(text).toString("base64");
const detailOf = (entry: { detail: string | null }) => JSON.parse(entry.detail ?? "{}") as Record<string, unknown>;
const base = { secrets: {}, readOnly: false, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], timeoutMs: 5000 };
let userId = "";

/** The job's final view; fails the test on an action refusal or a job error. */
async function jobOf(connectionId: string, started: { ok: boolean; data?: { jobId: string } }) {
  expect(started).toMatchObject({ ok: true });
  for (let i = 0; i < 3000; i++) {
    const job = await readJob(connectionId, started.data!.jobId, userId);
    if (!job) throw new Error("job vanished");
    if (job.status !== "running") {
      expect(job.status).toBe("done");
      // The audit entry is completed before the job's outcome is published.
      return job.result as PrefixResult;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the job did not finish");
}

describe("bulk expiry: only keys without a TTL", () => {
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;
  let devId = "";
  let prodId = "";

  beforeAll(async () => {
    [redis, memcached, uwsgi] = await Promise.all([startRedis(), startMemcached(2), startUwsgi([{ name: "web", items: 500, keysize: 128, blocksize: 1024 }])]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const settings = { host: "127.0.0.1", port: redis.port, db: 0 };
    devId = (await createProfile({ ...base, environment: "development", name: "dev", kind: "redis", settings })).id;
    prodId = (await createProfile({ ...base, environment: "production", name: "prod", kind: "redis", settings })).id;
    const user = await db().user.create({ data: { email: "editor@example.test", passwordHash: "x", role: "editor" } });
    userId = user.id;
    const token = "bulk-ttl-token";
    await db().session.create({ data: { id: createHash("sha256").update(token).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 600_000) } });
    testRequest.cookie = token;
  }, 120_000);
  afterAll(async () => {
    await db().$disconnect();
    await Promise.all([redis?.stop(), memcached?.stop(), uwsgi?.stop()]);
    removeDir(dir);
  });

  it("Redis namespace: previews the count, sets a TTL only where none, keeps the others, one audit entry", async () => {
    const raw = redis.raw();
    const pipeline = raw.pipeline();
    for (let i = 0; i < 40; i++) pipeline.set(`ns:plain:${i}`, "v");
    for (let i = 0; i < 15; i++) pipeline.set(`ns:exp:${i}`, "v", "PX", 3_600_000);
    pipeline.set("nsx:sibling", "v");
    await pipeline.exec();

    const preview = await jobOf(devId, await countNamespace({ connectionId: devId, prefix: b64("ns:"), withoutTtl: true }));
    expect(preview).toMatchObject({ matched: 55, affected: 40 });

    const done = await jobOf(devId, await expireNamespace({ connectionId: devId, prefix: b64("ns:"), ttlMs: 120_000, onlyWithoutTtl: true }));
    expect(done).toMatchObject({ matched: 55, affected: 40, cancelled: false });
    for (let i = 0; i < 40; i++) {
      const ttl = await raw.pttl(`ns:plain:${i}`);
      expect(ttl).toBeGreaterThan(100_000);
      expect(ttl).toBeLessThanOrEqual(120_000);
    }
    for (let i = 0; i < 15; i++) expect(await raw.pttl(`ns:exp:${i}`)).toBeGreaterThan(3_000_000);
    expect(await raw.pttl("nsx:sibling")).toBe(-1);

    const entries = await db().auditEntry.findMany({ where: { action: "namespaces.expire" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status: "done", outcome: "ok" });
    expect(detailOf(entries[0])).toMatchObject({ prefix: "ns:", count: 40, matched: 55, ttlMs: 120_000, onlyWithoutTtl: true });

    expect(await expireNamespace({ connectionId: devId, prefix: b64("ns:"), ttlMs: null, onlyWithoutTtl: true })).toMatchObject({ ok: false, code: "INVALID_ARGUMENT" });
  });

  it("Redis selection: only without TTL, then remove the expiry of all; missing keys are not counted", async () => {
    const raw = redis.raw();
    await raw.set("sel:a", "1");
    await raw.set("sel:b", "2");
    await raw.set("sel:c", "3", "PX", 3_600_000);
    const keys = ["sel:a", "sel:b", "sel:c", "sel:gone"].map(b64);

    expect(await jobOf(devId, await countKeysWithoutTtl({ connectionId: devId, keys }))).toMatchObject({ matched: 4, affected: 2 });
    expect(await jobOf(devId, await expireKeys({ connectionId: devId, keys, ttlMs: 90_000, onlyWithoutTtl: true, pattern: "pattern sel:*" }))).toMatchObject({ affected: 2 });
    expect(await raw.pttl("sel:a")).toBeLessThanOrEqual(90_000);
    expect(await raw.pttl("sel:b")).toBeGreaterThan(0);
    expect(await raw.pttl("sel:c")).toBeGreaterThan(3_000_000);
    const entry = await db().auditEntry.findFirstOrThrow({ where: { action: "keys.expire" }, orderBy: { id: "desc" } });
    expect(detailOf(entry)).toMatchObject({ selected: 4, count: 2, onlyWithoutTtl: true, pattern: "pattern sel:*", keys: ["sel:a", "sel:b", "sel:c", "sel:gone"] });

    expect(await jobOf(devId, await expireKeys({ connectionId: devId, keys, ttlMs: null }))).toMatchObject({ affected: 3 });
    for (const k of ["sel:a", "sel:b", "sel:c"]) expect(await raw.pttl(k)).toBe(-1);
  });

  it("production: refused without the typed confirmation (nothing changes), done with it", async () => {
    const raw = redis.raw();
    await raw.set("prod:x:1", "1");
    await raw.set("prod:x:2", "2");
    const keys = [b64("prod:x:1"), b64("prod:x:2")];
    const refusals = [
      await expireKeys({ connectionId: prodId, keys, ttlMs: 60_000, onlyWithoutTtl: true }),
      await expireKeys({ connectionId: prodId, keys, ttlMs: 60_000, onlyWithoutTtl: true, confirm: "3" }),
      await expireNamespace({ connectionId: prodId, prefix: b64("prod:x:"), ttlMs: 60_000, onlyWithoutTtl: true }),
    ];
    for (const result of refusals) expect(result).toMatchObject({ ok: false, code: "CONFIRMATION_REQUIRED" });
    expect(await raw.pttl("prod:x:1")).toBe(-1);
    expect(await jobOf(prodId, await expireKeys({ connectionId: prodId, keys: [keys[0]], ttlMs: 60_000, onlyWithoutTtl: true, confirm: "prod:x:1" }))).toMatchObject({ affected: 1 });
    expect(await jobOf(prodId, await expireNamespace({ connectionId: prodId, prefix: b64("prod:x:"), ttlMs: 60_000, onlyWithoutTtl: true, confirm: "prod:x:" }))).toMatchObject({
      matched: 2,
      affected: 1,
    });
    expect(await raw.pttl("prod:x:2")).toBeGreaterThan(0);
  });

  it("memcached pool and uWSGI: only items without an expiry get one", async () => {
    const mcId = (await createProfile({ ...base, environment: "development", name: "mc", kind: "memcached", settings: { servers: memcached.addresses } })).id;
    for (let i = 0; i < 30; i++) await memcached.rawSet(Buffer.from(`mc:plain:${i}`), Buffer.from("v"));
    for (let i = 0; i < 10; i++) await memcached.rawSet(Buffer.from(`mc:exp:${i}`), Buffer.from("v"), 3_600_000);
    expect(await jobOf(mcId, await countNamespace({ connectionId: mcId, prefix: b64("mc:"), withoutTtl: true }))).toMatchObject({ matched: 40, affected: 30 });
    expect(await jobOf(mcId, await expireNamespace({ connectionId: mcId, prefix: b64("mc:"), ttlMs: 600_000, onlyWithoutTtl: true }))).toMatchObject({ affected: 30 });
    const mc = (await loadConnection(mcId))!.driver();
    const mcMetas = await mc.describe([...Array.from({ length: 30 }, (_, i) => Buffer.from(`mc:plain:${i}`)), ...Array.from({ length: 10 }, (_, i) => Buffer.from(`mc:exp:${i}`))]);
    for (const m of mcMetas.slice(0, 30)) expect(m.ttlMs).toBeLessThanOrEqual(600_000);
    for (const m of mcMetas.slice(30)) expect(m.ttlMs).toBeGreaterThan(3_000_000);

    const uwId = (
      await createProfile({
        ...base,
        environment: "development",
        name: "uw",
        kind: "uwsgi",
        settings: { address: uwsgi.address, statsAddress: uwsgi.statsAddress, caches: [{ name: "web", keysize: 128, blocksize: 1024 }] },
        timeoutMs: UWSGI_TEST_TIMEOUT_MS,
      })
    ).id;
    const uw = (await loadConnection(uwId))!.driver();
    for (let i = 0; i < 12; i++) await uw.write(Buffer.from(`web:plain:${i}`), Buffer.from("v"));
    for (let i = 0; i < 6; i++) await uw.write(Buffer.from(`web:exp:${i}`), Buffer.from("v"), { ttlMs: 7_200_000 });
    expect(await jobOf(uwId, await countNamespace({ connectionId: uwId, prefix: b64("web:"), withoutTtl: true }))).toMatchObject({ matched: 18, affected: 12 });
    expect(await jobOf(uwId, await expireNamespace({ connectionId: uwId, prefix: b64("web:"), ttlMs: 600_000, onlyWithoutTtl: true }))).toMatchObject({ affected: 12 });
    const uwMetas = await uw.describe([...Array.from({ length: 12 }, (_, i) => Buffer.from(`web:plain:${i}`)), ...Array.from({ length: 6 }, (_, i) => Buffer.from(`web:exp:${i}`))]);
    for (const m of uwMetas.slice(0, 12)) {
      expect(m.ttlMs).not.toBeNull();
      expect(m.ttlMs!).toBeLessThanOrEqual(601_000);
    }
    for (const m of uwMetas.slice(12)) expect(m.ttlMs).toBeGreaterThan(7_000_000);
  });
});
