/**
 * A namespace index kept current by Redis's keyspace notifications: where the operator enabled them, keys
 * other clients add, delete, rename or let expire move the counts without a rescan, and the app's own writes
 * are not counted twice; where they are off, the index says why it is not live.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { ensureIndex, indexKeyAdded, indexKeysRemoved, readIndex } from "@/lib/server/keys/keyspace-index";
import type { TreeState } from "@/lib/wire/tree";
import { resolveScanPace } from "@/lib/connections/scan-pace";
import { Cluster } from "ioredis";
import { startRedis, startRedisCluster, type RedisClusterHandle, type RedisServer } from "@/tests/support/redis";

const DEV_PACE = resolveScanPace({ environment: "development", scanCount: null, scanPauseMs: null }, { paced: true, env: {} });

async function settled(id: string): Promise<TreeState> {
  for (;;) {
    const state = readIndex(id, ":");
    if (state && !state.scan && state.scannedAt !== null) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls the index until `check` holds (notifications arrive asynchronously); the test's own timeout bounds it. */
async function until(id: string, check: (state: TreeState) => boolean): Promise<TreeState> {
  for (;;) {
    const state = readIndex(id, ":");
    if (state && check(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const countOf = (state: TreeState, label: string) => state.roots.find((node) => node.label === label)?.count ?? 0;

describe("keyspace index kept live by keyspace notifications", () => {
  let redis: RedisServer;
  let driver: Driver;

  beforeAll(async () => {
    redis = await startRedis();
    const pipeline = redis.raw().pipeline();
    for (let i = 0; i < 2_000; i++) pipeline.set(`app:user:${i}`, "x");
    for (let i = 0; i < 300; i++) pipeline.set(`jobs:${i}`, "x");
    await pipeline.exec();
    driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: redis.port }, secrets: {}, timeoutMs: 5000 });
  });
  afterAll(async () => {
    await driver?.dispose();
    await redis?.stop();
  });

  it("says why it is not live when the server does not announce changes", async () => {
    await redis.raw().config("SET", "notify-keyspace-events", "");
    await ensureIndex({ driver, config: null, kind: "redis", connectionId: "quiet", delimiter: ":", pace: DEV_PACE });
    const state = await settled("quiet");
    expect(state.live).toBe(false);
    expect(state.liveNote).toMatch(/notify-keyspace-events/);
    // Another client's key is not seen until a rescan.
    await redis.raw().set("other:1", "x");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(countOf(readIndex("quiet", ":")!, "other")).toBe(0);
    await redis.raw().del("other:1");
  });

  it("follows other clients' adds, deletes, renames and expiries without a rescan, and counts the app's own writes once", async () => {
    const raw = redis.raw();
    await raw.config("SET", "notify-keyspace-events", "Egxen");
    await ensureIndex({ driver, config: null, kind: "redis", connectionId: "live", delimiter: ":", pace: DEV_PACE });
    const first = await settled("live");
    expect(first).toMatchObject({ live: true, liveNote: null, count: 2_300 });
    const scannedAt = first.scannedAt;

    const pipeline = raw.pipeline();
    for (let i = 0; i < 50; i++) pipeline.set(`fresh:${i}`, "x");
    await pipeline.exec();
    let state = await until("live", (s) => countOf(s, "fresh") === 50);
    expect(state.count).toBe(2_350);

    await raw.del("fresh:0", "fresh:1", "jobs:0");
    await raw.rename("fresh:2", "moved:2");
    state = await until("live", (s) => countOf(s, "moved") === 1 && countOf(s, "fresh") === 47);
    expect(countOf(state, "jobs")).toBe(299);
    expect(state.count).toBe(2_347);

    // A key that expires leaves the counts when Redis expires it (the test waits for that, it does not need the key to last).
    await raw.set("brief:1", "x", "PX", 50);
    await until("live", (s) => countOf(s, "brief") === 1);
    state = await until("live", (s) => countOf(s, "brief") === 0);
    expect(state.count).toBe(2_347);

    // A write made through the app is heard from the server; the app's own adjustment is not added on top.
    await driver.write(Buffer.from("app:new"), Buffer.from("v"));
    indexKeyAdded("live", Buffer.from("app:new"));
    await until("live", (s) => s.count === 2_348);
    await driver.delete([Buffer.from("app:new")]);
    indexKeysRemoved("live", [Buffer.from("app:new")]);
    state = await until("live", (s) => s.count === 2_347);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readIndex("live", ":")!.count).toBe(2_347);
    expect(countOf(state, "app")).toBe(2_000);
    // No rescan happened: the index is the one the first scan built.
    expect(readIndex("live", ":")!.scannedAt).toBe(scannedAt);
  });

  it("stops being live, and says so, when the driver that subscribed is closed", async () => {
    const local = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: redis.port }, secrets: {}, timeoutMs: 5000 });
    await ensureIndex({ driver: local, config: null, kind: "redis", connectionId: "closing", delimiter: ":", pace: DEV_PACE });
    expect((await settled("closing")).live).toBe(true);
    await local.dispose();
    const state = await until("closing", (s) => !s.live);
    expect(state.liveNote).toMatch(/stopped|closed/);
  });
});

describe("keyspace index kept live on a cluster", () => {
  let cluster: RedisClusterHandle;
  let driver: Driver;
  let raw: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    for (const node of cluster.nodes) await node.raw().config("SET", "notify-keyspace-events", "Egxen");
    raw = new Cluster(cluster.ports.map((port) => ({ host: "127.0.0.1", port })));
    for (let i = 0; i < 200; i++) await raw.set(`seed:${i}`, "x");
    driver = createDriver({
      kind: "redis-cluster",
      settings: { nodes: cluster.ports.map((port) => ({ host: "127.0.0.1", port })) },
      secrets: {},
      timeoutMs: 5000,
    });
  }, 60_000);
  afterAll(async () => {
    raw?.disconnect();
    await driver?.dispose();
    await cluster?.stop();
  });

  it("hears every primary: keys of all slots move the counts", async () => {
    await ensureIndex({ driver, config: null, kind: "redis-cluster", connectionId: "cluster-live", delimiter: ":", pace: DEV_PACE });
    expect(await settled("cluster-live")).toMatchObject({ live: true, count: 200 });
    // 60 keys spread over the three primaries' slots.
    for (let i = 0; i < 60; i++) await raw.set(`spread:${i}`, "x");
    await until("cluster-live", (s) => countOf(s, "spread") === 60);
    for (let i = 0; i < 20; i++) await raw.del(`spread:${i}`);
    const state = await until("cluster-live", (s) => countOf(s, "spread") === 40);
    expect(state.count).toBe(240);
  });
});
