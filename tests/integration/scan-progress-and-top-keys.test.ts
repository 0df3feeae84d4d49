import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { readJob } from "@/lib/server/keys/jobs";
import { keyPage } from "@/lib/server/keys/key-page";
import { startTopKeys, type TopKeysResult } from "@/lib/server/keys/top-keys";
import { resolveScanPace } from "@/lib/connections/scan-pace";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { startMemcached, type MemcachedCluster } from "@/tests/support/memcached";
import { startRedis, type RedisServer } from "@/tests/support/redis";
import { removeDir, tempDir } from "@/tests/support/process";

const KEYS = 20_000;
const PACE = resolveScanPace({ environment: "development", scanCount: null, scanPauseMs: null }, { paced: true, env: {} });

// Jobs are database rows: a throwaway SQLite, read lazily by the first job.
const dbDir = tempDir("top-keys");
process.env.DATABASE_URL = `file:${path.join(dbDir, "cb.db")}`;
beforeAll(async () => {
  await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
});
afterAll(() => removeDir(dbDir));

async function finished(connectionId: string, jobId: string) {
  for (;;) {
    const job = await readJob(connectionId, jobId, "user");
    if (!job) throw new Error("job vanished");
    if (job.status !== "running") return job as typeof job & { result: TopKeysResult | null };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("scan progress and the whole-namespace top-N on Redis", () => {
  let server: RedisServer;
  let driver: Driver;

  beforeAll(async () => {
    server = await startRedis();
    const raw = server.raw();
    const pipeline = raw.pipeline();
    for (let i = 0; i < KEYS; i++) pipeline.set(`ns:item:${i}`, "v".repeat(1 + (i % 500)));
    for (let i = 0; i < 50; i++) pipeline.set(`ns:ttl:${i}`, "t", "PX", 3_600_000 + i * 60_000);
    await pipeline.exec();
    await raw.set("ns:huge", Buffer.alloc(300_000));
    await raw.set("other:huge", Buffer.alloc(900_000));
    driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: server.port }, secrets: {}, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await driver?.dispose();
    await server?.stop();
  });

  it("a search that matches nothing still reports how much it walked, close to the key count", async () => {
    let cursor = "";
    let scanned = 0;
    let covered = 0;
    for (;;) {
      const page = await keyPage(driver, { cursor, match: Buffer.from("nomatch:*") });
      expect(page.rows).toEqual([]);
      expect(page.estimated).toBe(true);
      expect(page.total).toBe(KEYS + 52);
      expect(page.covered!).toBeGreaterThanOrEqual(covered);
      covered = page.covered!;
      scanned += page.scanned;
      if (page.done) break;
      cursor = page.cursor;
    }
    expect(covered).toBe(1);
    expect(scanned).toBeGreaterThan(KEYS * 0.9);
    expect(scanned).toBeLessThan(KEYS * 1.1);
  });

  it("a sparse search answers every ten thousand keys or so, however fast the server is", async () => {
    let cursor = "";
    let pages = 0;
    for (;;) {
      const page = await keyPage(driver, { cursor, match: Buffer.from("nomatch:*") });
      pages += 1;
      // One step past the limit at most: a page stops before its next SCAN call, not inside one.
      expect(page.scanned).toBeLessThan(10_000 + 2_000);
      if (page.done) break;
      cursor = page.cursor;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  it("an unfiltered walk counts exactly the keys it was given", async () => {
    let cursor = "";
    let examined = 0;
    let keys = 0;
    for (;;) {
      const page = await driver.scan({ cursor, count: 1000 });
      expect(page.progress?.estimated).toBe(false);
      examined += page.progress!.examined;
      keys += page.keys.length;
      if (page.done) break;
      cursor = page.cursor;
    }
    expect(examined).toBe(keys);
  });

  it("ranks the whole namespace by size, keeping only the top N", async () => {
    const jobId = await startTopKeys({ driver, connectionId: "c", userId: "user", pace: PACE, by: "size", desc: true, limit: 3, prefix: Buffer.from("ns:") });
    const job = await finished("c", jobId);
    expect(job.status).toBe("done");
    expect(job.result!.rows).toHaveLength(3);
    expect(job.result!.rows[0].text).toBe("ns:huge");
    expect(job.result!.rows[1].size!).toBeGreaterThanOrEqual(job.result!.rows[2].size!);
    expect(job.result!.rows[1].size!).toBeLessThan(300_000);
    expect(job.progress.matched).toBe(KEYS + 51);
  });

  it("ranks by TTL, soonest expiry first", async () => {
    const jobId = await startTopKeys({ driver, connectionId: "c", userId: "user", pace: PACE, by: "ttl", desc: false, limit: 5, match: Buffer.from("ns:ttl:*") });
    const job = await finished("c", jobId);
    expect(job.result!.rows.map((row) => row.text)).toEqual(["ns:ttl:0", "ns:ttl:1", "ns:ttl:2", "ns:ttl:3", "ns:ttl:4"]);
  });
});

describe("scan progress on memcached", () => {
  let cluster: MemcachedCluster;
  let driver: Driver;

  beforeAll(async () => {
    cluster = await startMemcached(2);
    driver = createDriver({ kind: "memcached", settings: { servers: cluster.addresses }, secrets: {} });
    for (let i = 0; i < 300; i++) await driver.write(Buffer.from(`m:${i}`), Buffer.from("v"));
  });
  afterAll(async () => {
    await driver?.dispose();
    await cluster?.stop();
  });

  it("counts every item it looked at, exactly, even when none matches", async () => {
    let cursor = "";
    let examined = 0;
    for (;;) {
      const page = await driver.scan({ cursor, count: 50, match: Buffer.from("nomatch*") });
      expect(page.keys).toEqual([]);
      expect(page.progress?.estimated).toBe(false);
      examined += page.progress!.examined;
      if (page.done) break;
      cursor = page.cursor;
    }
    expect(examined).toBe(300);
  });
});
