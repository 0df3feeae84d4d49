/**
 * The shared namespace index against a real Redis: one scan per connection however many readers, the whole
 * first level, diffs for pollers, sampled sizes, a rescan that keeps the old tree until it is done, and
 * writes through the app reflected in the counts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelScan, ensureIndex, fillLevel, indexKeyAdded, indexKeyRenamed, indexKeysRemoved, indexPrefixRemoved, readChildren, readIndex, scanEnded } from "@/lib/server/keys/keyspace-index";
import { warmUpTree } from "@/lib/server/keys/tree-warm-up";
import { startTreeThread } from "@/lib/server/keys/tree-walker";
import { readdirSync, readFileSync } from "node:fs";
import { resolveScanPace } from "@/lib/connections/scan-pace";
import type { TreeState } from "@/lib/wire/tree";
import { createDriver, type DriverConfig } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { keyFromParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "@/tests/support/redis";
import { NamespaceTree } from "@/lib/keyspace";
import { scanInto } from "@/lib/server/keys/tree-scan";
import { startGetLoad, waitForBusy } from "@/tests/support/busy-redis";

/** A development connection's pace with no environment variables: 1000 keys per SCAN, no pause. */
const DEV_PACE = resolveScanPace({ environment: "development", scanCount: null, scanPauseMs: null }, { paced: true, env: {} });
const k = (s: string) => Buffer.from(s);
const TINY = 3_000;

async function commandCalls(server: RedisServer, command: string): Promise<number> {
  const stats = await server.raw().info("commandstats");
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

async function settled(id: string): Promise<TreeState> {
  for (;;) {
    const state = readIndex(id, ":");
    if (state && !state.scan) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("keyspace index", () => {
  let redis: RedisServer;
  let driver: Driver;
  let total = 0;
  let id = "";
  let config: DriverConfig;
  const start = (rescan = false) => ensureIndex({ driver, config, kind: "redis", connectionId: id, delimiter: ":", pace: DEV_PACE, rescan });

  beforeAll(async () => {
    redis = await startRedis();
    const raw = redis.raw();
    const pipeline = raw.pipeline();
    const mix: [string, number][] = [
      ["myapp:user:", 12_000],
      ["myapp:counter:", 1_000],
      ["LITESTAR:", 3_000],
      [":1:views:", 1_000],
      ["logs:", 500],
    ];
    for (const [prefix, count] of mix) for (let i = 0; i < count; i++) pipeline.set(`${prefix}${i}`, "0123456789", "EX", 3600 + i);
    for (let i = 0; i < TINY; i++) pipeline.set(`tiny${i}:only`, "x");
    pipeline.set("plain", "x");
    await pipeline.exec();
    total = await raw.dbsize();
    config = { kind: "redis", settings: { host: "127.0.0.1", port: redis.port }, secrets: {}, timeoutMs: 5000 };
    driver = createDriver(config);
  });
  afterAll(async () => {
    await driver?.dispose();
    await redis?.stop();
  });

  it("holds every first-level namespace after one scan, shared by every reader, with sampled sizes", async () => {
    id = "complete";
    const scansBefore = await commandCalls(redis, "scan");
    const describedBefore = await commandCalls(redis, "evalsha");
    await start();
    await start();
    const state = await settled(id);
    expect(state).toMatchObject({ outcome: "done", count: total, ungrouped: 1, overflow: 0, rootCount: 4 + TINY, full: true });
    expect(state.scannedAt).not.toBeNull();
    expect(state.roots).toHaveLength(4 + TINY);
    expect(state.roots.slice(0, 4).map((n) => [n.label, n.count])).toEqual([
      ["myapp", 13_000],
      ["LITESTAR", 3_000],
      ["(empty)", 1_000],
      ["logs", 500],
    ]);
    const counts = state.roots.map((n) => n.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const myapp = state.roots[0];
    expect(myapp.sampled).toBe(true);
    expect(myapp.noTtl).toBe(0);
    expect(myapp.size).toBeGreaterThan(0);

    const children = readChildren(id, ":", keyFromParam(myapp.prefix), { offset: 0, limit: 10, filter: "" })!;
    expect(children.children.map((n) => [n.label, n.count])).toEqual([
      ["user", 12_000],
      ["counter", 1_000],
    ]);
    const found = readChildren(id, ":", new Uint8Array(0), { offset: 0, limit: 10, filter: "TINY299" })!;
    expect(found.total).toBe(11);
    expect(readChildren(id, ":", new Uint8Array(0), { offset: 4, limit: 2, filter: "" })!.children.map((n) => n.count)).toEqual([1, 1]);

    // The status alone (what a rescan's POST answers): counts, no namespaces.
    expect(readIndex(id, ":", undefined, false)).toMatchObject({ full: false, roots: [], count: total, rootCount: 4 + TINY, generation: state.generation });

    // A later visit reads the index: no second walk.
    const scans = (await commandCalls(redis, "scan")) - scansBefore;
    await start();
    expect(readIndex(id, ":")!.generation).toBe(state.generation);
    expect((await commandCalls(redis, "scan")) - scansBefore).toBe(scans);
    // One key in 50 described, not every key.
    const described = (await commandCalls(redis, "evalsha")) - describedBefore;
    expect(described).toBeLessThanOrEqual(Math.ceil(total / 50) + scans);
    expect(described).toBeGreaterThan(0);
  });

  it("describes the sampled keys a hundred per call, not once per page, and counts a cancelled walk's undescribed sample", async () => {
    const calls: number[] = [];
    const counting: Driver = Object.create(driver, {
      describe: { value: (keys: Buffer[]) => (calls.push(keys.length), driver.describe(keys)) },
    });
    const tree = new NamespaceTree({ delimiter: ":" });
    let pages = 0;
    const walked = await scanInto(counting, tree, { count: 1000, pauseMs: 0, sampleEvery: 50, signal: new AbortController().signal, onPage: () => pages++ });
    expect(walked).toEqual({ scanned: total, complete: true });
    const sampled = Math.ceil(total / 50);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(sampled);
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(sampled / 100) + 1);
    expect(calls.length).toBeLessThan(pages / 3);
    expect(tree.root.count).toBe(total);
    expect(tree.root.sized).toBe(sampled);

    const stop = new AbortController();
    const partial = new NamespaceTree({ delimiter: ":" });
    const cut = await scanInto(counting, partial, { count: 1000, pauseMs: 0, sampleEvery: 50, signal: stop.signal, onPage: (n) => n >= 3000 && stop.abort() });
    expect(cut.complete).toBe(false);
    expect(partial.root.count).toBe(cut.scanned);
    expect(partial.root.sized).toBeLessThan(cut.scanned / 50);
  });

  it("asks a busy server for a quarter of the pace's keys per call and says so, then the full count once the server calms down", async () => {
    const asked: number[] = [];
    const counting: Driver = Object.create(driver, {
      scan: { value: (request: Parameters<Driver["scan"]>[0]) => (asked.push(request.count ?? 0), driver.scan(request)) },
    });
    // redis-benchmark keeps the server's command thread busy (pipelined GETs from 20 clients) until stopped.
    const load = startGetLoad(redis.port);
    try {
      await waitForBusy(redis);
      const stop = new AbortController();
      const pages: { count: number; gentle: boolean }[] = [];
      let calmedAt = -1;
      const walked = scanInto(counting, new NamespaceTree({ delimiter: ":" }), {
        count: 200,
        pauseMs: 40,
        sampleEvery: 50,
        signal: stop.signal,
        onPage: (_scanned, gentle) => {
          pages.push({ count: asked[asked.length - 1], gentle });
          // Busy for a while: stop the load; then a few pages at the full count end the walk.
          if (calmedAt === -1 && pages.length >= 8 && pages.every((page) => page.gentle)) {
            calmedAt = pages.length;
            void load.stop();
          }
          if (calmedAt !== -1 && pages.slice(calmedAt).filter((page) => !page.gentle).length >= 3) stop.abort();
        },
      });
      expect((await walked).complete).toBe(false);
      // The first call already asked for a quarter (nothing known yet), and so did every call while the server was busy.
      expect(pages.slice(0, 8)).toEqual(Array(8).fill({ count: 50, gentle: true }));
      const after = pages.slice(calmedAt);
      const firstFull = after.findIndex((page) => !page.gentle);
      expect(firstFull).toBeGreaterThanOrEqual(0);
      expect(after.slice(firstFull)).toEqual(Array(after.length - firstFull).fill({ count: 200, gentle: false }));
    } finally {
      await load.stop();
    }
  });

  it("answers a poll with only the namespaces that changed, and a full first level after one disappeared", async () => {
    id = "diff";
    await start();
    const base = await settled(id);
    const since = { generation: base.generation, version: base.version };
    expect(readIndex(id, ":", since)).toMatchObject({ full: false, roots: [] });

    indexKeyAdded(id, k("logs:new"));
    const added = readIndex(id, ":", since)!;
    expect(added.full).toBe(false);
    expect(added.roots.map((n) => [n.label, n.count])).toEqual([["logs", 501]]);

    indexKeysRemoved(id, [k("myapp:counter:1"), k("myapp:counter:2")]);
    indexKeyRenamed(id, k("LITESTAR:1"), k("cache:1"));
    const next = readIndex(id, ":", { generation: added.generation, version: added.version })!;
    expect(next.full).toBe(false);
    expect(next.roots.map((n) => [n.label, n.count]).sort()).toEqual([
      ["LITESTAR", 2_999],
      ["cache", 1],
      ["myapp", 12_998],
    ]);
    expect(readIndex(id, ":", { generation: next.generation, version: next.version })!.roots).toEqual([]);
    expect(readChildren(id, ":", k("myapp:"), { offset: 0, limit: 10, filter: "counter" })!.children[0].count).toBe(998);

    indexPrefixRemoved(id, k("LITESTAR:"), 2_999, true);
    const removed = readIndex(id, ":", { generation: next.generation, version: next.version })!;
    expect(removed.full).toBe(true);
    expect(removed.roots.some((n) => n.label === "LITESTAR")).toBe(false);
    expect(removed.count).toBe(total - 2 - 2_999 + 1);
  });

  it("keeps showing the old index while a rescan runs, then replaces it", async () => {
    id = "rescan";
    await start();
    const first = await settled(id);
    await redis.raw().set("fresh:1", "x");
    try {
      await start(true);
      const during = readIndex(id, ":")!;
      expect(during.scan).not.toBeNull();
      expect(during.generation).toBe(first.generation);
      expect(during.roots.length).toBe(first.roots.length);
      const after = await settled(id);
      expect(after.generation).toBeGreaterThan(first.generation);
      expect(after.roots.some((n) => n.label === "fresh")).toBe(true);
    } finally {
      await redis.raw().del("fresh:1");
    }
  });

  it("lets a poll wait for the running scan's end: answered when it ends, after the wait, or when the poller leaves", async () => {
    id = "wait";
    // 2,000 keys per SCAN and 300 ms between calls: the walk of about 20,000 keys takes at least 2.7 s.
    const pace = { ...DEV_PACE, count: 2000, pauseMs: 300 };
    await ensureIndex({ driver, config, kind: "redis", connectionId: id, delimiter: ":", pace });
    let waited = performance.now();
    await scanEnded(id, ":", 50);
    expect(performance.now() - waited).toBeGreaterThanOrEqual(45);
    expect(readIndex(id, ":")!.scan).not.toBeNull();
    const gone = new AbortController();
    const leaving = scanEnded(id, ":", 60_000, gone.signal);
    gone.abort();
    await leaving;
    expect(readIndex(id, ":")!.scan).not.toBeNull();
    // A wait longer than the whole walk ends with the walk, not after the wait.
    waited = performance.now();
    await scanEnded(id, ":", 120_000);
    expect(performance.now() - waited).toBeLessThan(120_000);
    expect(readIndex(id, ":")).toMatchObject({ scan: null, outcome: "done", count: await redis.raw().dbsize() });
    // No scan running: at once.
    await scanEnded(id, ":", 120_000);
  });

  it("walks in a thread of its own at the lowest CPU priority, and starts it again after it stopped under a walk", async () => {
    const thread = startTreeThread();
    // The earlier walks ran there: the thread started, and did not fall back to this one.
    expect(thread?.ready).toBe(true);
    const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
    const tasks = readdirSync("/proc/self/task");
    expect(tasks.filter((tid) => niceOf(tid) === 19)).toHaveLength(1);
    expect(niceOf(String(process.pid))).toBe(0);

    id = "thread-lost";
    await ensureIndex({ driver, config, kind: "redis", connectionId: id, delimiter: ":", pace: { ...DEV_PACE, count: 100, pauseMs: 20 } });
    while ((readIndex(id, ":")?.scan?.scanned ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await thread!.worker.terminate();
    const lost = await settled(id);
    expect(lost).toMatchObject({ outcome: "error", error: { code: "INTERNAL" } });
    expect(lost.count).toBeLessThan(total);

    await start(true);
    expect(await settled(id)).toMatchObject({ outcome: "done", count: total, error: null });
    const again = startTreeThread();
    expect(again).not.toBe(thread);
    expect(again?.ready).toBe(true);
  });

  it("warms the fold's code at start without touching any connection's index", async () => {
    const before = readIndex("wait", ":");
    expect(before).not.toBeNull();
    warmUpTree(5_000);
    expect(readIndex("wait", ":")).toEqual(before);
    expect(readIndex("warm-up", ":")).toBeNull();
  });

  it("keeps what a cancelled first scan found, and a cancelled rescan keeps the old index", async () => {
    id = "cancel";
    await start();
    expect(cancelScan(id, ":")).toBe(true);
    const partial = await settled(id);
    expect(partial.outcome).toBe("cancelled");
    expect(partial.count).toBeLessThan(total);
    await start(true);
    const full = await settled(id);
    expect(full).toMatchObject({ outcome: "done", count: total });
    await start(true);
    cancelScan(id, ":");
    const kept = await settled(id);
    expect(kept).toMatchObject({ outcome: "cancelled", count: total, generation: full.generation });
  });

  it("fills in a level the index capped with a scan of only that prefix", async () => {
    id = "fill";
    const pipeline = redis.raw().pipeline();
    for (let i = 0; i < 2_500; i++) pipeline.set(`wide:${i}:x`, "v");
    await pipeline.exec();
    try {
      await start(true);
      await settled(id);
      const before = readChildren(id, ":", k("wide:"), { offset: 0, limit: 10, filter: "" })!;
      expect(before.total).toBe(2_000);
      expect(before.overflow).toBe(500);
      expect(fillLevel({ driver, config, connectionId: id, delimiter: ":", pace: DEV_PACE, prefix: k("wide:") })).toBe(true);
      expect(readChildren(id, ":", k("wide:"), { offset: 0, limit: 10, filter: "" })!.filling).toBe(true);
      let after = before;
      while (after.filling || after.overflow > 0) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        after = readChildren(id, ":", k("wide:"), { offset: 0, limit: 10, filter: "" })!;
      }
      expect(after).toMatchObject({ total: 2_500, overflow: 0 });
      expect(readChildren(id, ":", k("wide:"), { offset: 0, limit: 10, filter: "2499" })!.children.map((n) => n.label)).toEqual(["2499"]);
      expect(fillLevel({ driver, config, connectionId: id, delimiter: ":", pace: DEV_PACE, prefix: k("wide:") })).toBe(false);
    } finally {
      const raw = redis.raw();
      const wide = await raw.keys("wide:*");
      if (wide.length) await raw.del(...wide);
    }
  });
});

describe("keyspace index of a small database", () => {
  let redis: RedisServer;
  let driver: Driver;
  let config: DriverConfig;

  beforeAll(async () => {
    redis = await startRedis();
    const pipeline = redis.raw().pipeline();
    for (let i = 0; i < 120; i++) pipeline.set(`small:${i}`, "x".repeat(i + 1), "EX", 3600);
    for (let i = 0; i < 30; i++) pipeline.set(`other:${i}`, "y");
    await pipeline.exec();
    config = { kind: "redis", settings: { host: "127.0.0.1", port: redis.port }, secrets: {}, timeoutMs: 5000 };
    driver = createDriver(config);
  });
  afterAll(async () => {
    await driver?.dispose();
    await redis?.stop();
  });

  it("describes every key of a small keyspace, so its sizes and TTL shares are exact, not sampled", async () => {
    await ensureIndex({ driver, config, kind: "redis", connectionId: "small", delimiter: ":", pace: DEV_PACE, rescan: false });
    const state = await settled("small");
    expect(state.sampleEvery).toBe(1);
    const byLabel = Object.fromEntries(state.roots.map((n) => [n.label, n]));
    expect(byLabel.small).toMatchObject({ count: 120, sampled: false, noTtl: 0, size: (120 * 121) / 2 });
    expect(byLabel.other).toMatchObject({ count: 30, sampled: false, noTtl: 30, size: 30 });
  });
});
