/**
 * The namespace tree walks' thread over its life: started with the server ahead of any walk, used by the
 * first walk that comes, and stopped after five minutes without one (then started again by the next walk).
 * Its own file: the thread is one per process, and these tests need to see it from its start.
 */
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveScanPace } from "@/lib/connections/scan-pace";
import { createDriver, type DriverConfig } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { ensureIndex, readIndex } from "@/lib/server/keys/keyspace-index";
import { prestartTreeThread, startTreeThread } from "@/lib/server/keys/tree-walker";
import type { FromWalker } from "@/lib/server/keys/tree-walk-protocol";
import type { TreeState } from "@/lib/wire/tree";
import { startRedis, type RedisServer } from "@/tests/support/redis";

const DEV_PACE = resolveScanPace({ environment: "development", scanCount: null, scanPauseMs: null }, { paced: true, env: {} });
const IDLE_MS = 5 * 60_000;

/** Threads of this process at nice 19: the walks' thread is the only one. */
function lowPriorityThreads(): number {
  const niceOf = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
  return readdirSync("/proc/self/task").filter((tid) => {
    try {
      return niceOf(tid) === 19;
    } catch {
      return false; // a thread that ended while being read
    }
  }).length;
}

async function settled(id: string): Promise<TreeState> {
  for (;;) {
    const state = readIndex(id, ":");
    if (state && !state.scan) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("the tree walks' thread", () => {
  let redis: RedisServer;
  let driver: Driver;
  let config: DriverConfig;
  let total = 0;

  beforeAll(async () => {
    redis = await startRedis();
    const pipeline = redis.raw().pipeline();
    for (let i = 0; i < 5_000; i++) pipeline.set(`app:${i % 7}:${i}`, "x");
    await pipeline.exec();
    total = await redis.raw().dbsize();
    config = { kind: "redis", settings: { host: "127.0.0.1", port: redis.port }, secrets: {}, timeoutMs: 5000 };
    driver = createDriver(config);
  });
  afterAll(async () => {
    vi.useRealTimers();
    await driver?.dispose();
    await redis?.stop();
  });

  it("starts ahead of any walk at the lowest priority, and stops after five minutes without one", async () => {
    // Only the main thread's timers are faked: the thread itself, its start and its messages are real.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      prestartTreeThread();
      const thread = startTreeThread();
      expect(thread).not.toBeNull();
      const [first] = (await once(thread!.worker, "message")) as [FromWalker];
      expect(first).toEqual({ type: "ready", priority: null });
      expect(thread!.ready).toBe(true);
      expect(lowPriorityThreads()).toBe(1);
      // A second start (another server task, or a walk) finds the same thread.
      prestartTreeThread();
      expect(startTreeThread()).toBe(thread);

      vi.advanceTimersByTime(IDLE_MS - 1_000);
      expect(startTreeThread()).toBe(thread);
      const exited = once(thread!.worker, "exit");
      vi.advanceTimersByTime(1_000);
      await exited;
      expect(thread!.retired).toBe(true);
      expect(lowPriorityThreads()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("runs the first walk in the thread started ahead of it", async () => {
    prestartTreeThread();
    const thread = startTreeThread();
    await once(thread!.worker, "message");
    await ensureIndex({ driver, config, kind: "redis", connectionId: "ahead", delimiter: ":", pace: DEV_PACE, rescan: false });
    expect(await settled("ahead")).toMatchObject({ outcome: "done", count: total, error: null });
    // The walk went to that thread: it is still the one, and it is the only low-priority thread.
    expect(startTreeThread()).toBe(thread);
    expect(lowPriorityThreads()).toBe(1);
  });
});
