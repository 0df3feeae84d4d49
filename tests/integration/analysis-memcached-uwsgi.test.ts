/**
 * The keyspace analysis on memcached (from the metadump) and uWSGI (from the item table): the listing's
 * metadata is used as it comes (bytes: memcached's item size in its slab, uWSGI's value size), and the
 * figures match what was written.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { AnalysisJobResult } from "@/lib/wire/analysis";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { removeDir, tempDir } from "../support/process";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";

const dir = tempDir("analysis-mc");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "57".repeat(32);

const { db } = await import("@/lib/db");
const { startAnalysis } = await import("@/lib/server/analysis/run");
const { readJob } = await import("@/lib/server/keys/jobs");
const { readReport } = await import("@/lib/server/analysis/reports");
const { createProfile } = await import("@/lib/connections/store");
const { loadConnection } = await import("@/lib/connections/load");

const user = { id: "u1", email: "editor@example.test" };
const base = { secrets: {}, readOnly: false, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], environment: "development" as const };

async function analyse(connectionId: string) {
  const connection = (await loadConnection(connectionId))!;
  const jobId = await startAnalysis({ connection, user });
  for (let i = 0; i < 3000; i++) {
    const job = await readJob(connectionId, jobId, user.id);
    if (!job) throw new Error("job vanished");
    if (job.status === "error") throw new Error(job.error?.message);
    if (job.status !== "running") return (await readReport(connectionId, (job.result as AnalysisJobResult).reportId!))!;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the analysis did not finish");
}

describe("keyspace analysis on memcached and uWSGI", () => {
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;

  beforeAll(async () => {
    [memcached, uwsgi] = await Promise.all([startMemcached(2), startUwsgi([{ name: "web", items: 2000, keysize: 256, blocksize: 4096 }])]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
  }, 120_000);
  afterAll(async () => {
    await db().$disconnect();
    await memcached?.stop();
    await uwsgi?.stop();
    removeDir(dir);
  });

  it("memcached: namespaces, TTL buckets and the biggest item from the metadump", async () => {
    for (let i = 0; i < 60; i++) await memcached.rawSet(Buffer.from(`views:page:${i}`), Buffer.alloc(100 + i, 1), 20 * 60_000);
    for (let i = 0; i < 40; i++) await memcached.rawSet(Buffer.from(`sessions:${i}`), Buffer.alloc(30, 2));
    await memcached.rawSet(Buffer.from("views:huge"), Buffer.alloc(50_000, 3), 3 * 86_400_000);
    const { id } = await createProfile({ ...base, name: "mc", kind: "memcached", settings: { servers: memcached.addresses }, timeoutMs: 5000 });
    const { figures } = await analyse(id);
    expect(figures).toMatchObject({ complete: true, bytesMeasure: "memory", totals: { keys: 101, noTtlKeys: 40 } });
    const ns = Object.fromEntries(figures.namespaces.map((n) => [n.label, n]));
    expect(ns["views:"]).toMatchObject({ keys: 61, noTtlKeys: 0 });
    expect(ns["views:page:"]).toMatchObject({ keys: 60, depth: 2 });
    expect(ns["sessions:"]).toMatchObject({ keys: 40, noTtlKeys: 40 });
    expect(figures.ttl).toMatchObject({ hour: { keys: 60 }, day: { keys: 0 }, week: { keys: 1 }, never: { keys: 40 } });
    expect(figures.topKeys[0]).toMatchObject({ label: "views:huge", type: "string" });
    expect(figures.topKeys[0].bytes).toBeGreaterThanOrEqual(50_000);
    expect(figures.topCollections).toEqual([]);
  });

  it("uWSGI: the cache is the first namespace, figures from the item table", async () => {
    const { id } = await createProfile({
      ...base,
      name: "uw",
      kind: "uwsgi",
      settings: { address: uwsgi.address, statsAddress: uwsgi.statsAddress, caches: [{ name: "web", keysize: 256, blocksize: 4096 }] },
      timeoutMs: UWSGI_TEST_TIMEOUT_MS,
    });
    const driver = (await loadConnection(id))!.driver();
    for (let i = 0; i < 25; i++) await driver.write(Buffer.from(`web:fragment:${i}`), Buffer.alloc(200, 1), { ttlMs: 2 * 3_600_000 });
    for (let i = 0; i < 15; i++) await driver.write(Buffer.from(`web:user:${i}`), Buffer.alloc(10 + i, 2));
    const { figures } = await analyse(id);
    expect(figures).toMatchObject({ complete: true, bytesMeasure: "value", totals: { keys: 40, noTtlKeys: 15, bytes: 25 * 200 + 15 * 10 + 105 } });
    const ns = Object.fromEntries(figures.namespaces.map((n) => [n.label, n]));
    expect(ns["web:"]).toMatchObject({ depth: 1, keys: 40 });
    expect(ns["web:fragment:"]).toMatchObject({ depth: 2, keys: 25, bytes: 5000, noTtlKeys: 0 });
    expect(ns["web:user:"]).toMatchObject({ keys: 15, noTtlKeys: 15 });
    expect(figures.ttl).toMatchObject({ day: { keys: 25, bytes: 5000 }, never: { keys: 15 } });
  });
});
