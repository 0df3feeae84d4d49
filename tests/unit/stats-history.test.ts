import { describe, expect, it } from "vitest";
import type { ServerStats } from "@/lib/drivers/types";
import { failedSample, lifetimeHitRatio, mergeSamples, pointOf, pointsOf, RingBuffer, sampleOf, type Sample } from "@/lib/stats/history";
import { figuresOf } from "@/lib/stats/replies";

function sample(at: number, fields: Partial<Sample> = {}): Sample {
  return { ...failedSample(at), ok: true, ...fields };
}

function stats(fields: Partial<ServerStats> = {}): ServerStats {
  return {
    version: "7.0.15",
    uptimeSeconds: 100,
    memory: { used: 1000, peak: 2000, max: 4000, fragmentationRatio: null, policy: null },
    connectedClients: 3,
    hits: 90,
    misses: 10,
    evictions: 0,
    totalCommands: 500,
    opsPerSec: 7,
    keyspace: [
      { name: "db0", keys: 5, expires: 1 },
      { name: "db1", keys: 2, expires: 0 },
    ],
    detail: {},
    ...fields,
  };
}

describe("ring buffer", () => {
  it("keeps at most its capacity, dropping the oldest, in order", () => {
    const ring = new RingBuffer<number>(720);
    for (let i = 0; i < 2000; i++) ring.push(i);
    expect(ring.size).toBe(720);
    const all = ring.toArray();
    expect(all).toHaveLength(720);
    expect(all[0]).toBe(1280);
    expect(all[719]).toBe(1999);
    expect(all.every((v, i) => i === 0 || v === all[i - 1] + 1)).toBe(true);
    expect(ring.last(2)).toEqual([1998, 1999]);
  });

  it("reads in order before it wraps, and empties on clear", () => {
    const ring = new RingBuffer<string>(3);
    ring.push("a");
    ring.push("b");
    expect(ring.toArray()).toEqual(["a", "b"]);
    ring.push("c");
    ring.push("d");
    expect(ring.toArray()).toEqual(["b", "c", "d"]);
    ring.clear();
    expect(ring.size).toBe(0);
    ring.push("e");
    expect(ring.toArray()).toEqual(["e"]);
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });
});

describe("rates and ratios from counter deltas", () => {
  it("computes ops/s from the total-commands delta over the interval, not the server's instantaneous figure", () => {
    const point = pointOf(sample(10_000, { totalCommands: 1_000, opsPerSec: 999 }), sample(15_000, { totalCommands: 1_500, opsPerSec: 999 }));
    expect(point.opsPerSec).toBe(100);
  });

  it("uses the server's own rate only for the first sample", () => {
    expect(pointOf(undefined, sample(0, { totalCommands: 10, opsPerSec: 42 })).opsPerSec).toBe(42);
    expect(pointOf(undefined, sample(0, { totalCommands: 10 })).opsPerSec).toBeNull();
  });

  it("computes the hit ratio of the interval from the hit and miss deltas", () => {
    const before = sample(0, { hits: 1_000, misses: 1_000 });
    const after = sample(2_000, { hits: 1_030, misses: 1_010 });
    const point = pointOf(before, after);
    expect(point.hitRatio).toBe(0.75);
    expect(point.hitsPerSec).toBe(15);
    expect(point.missesPerSec).toBe(5);
    // The lifetime ratio of the same counters is about one half: the interval's is what the chart shows.
    expect(lifetimeHitRatio(after.hits, after.misses)).toBeCloseTo(0.505, 3);
  });

  it("leaves the hit ratio empty for an interval without reads, and for a backend that does not report hits", () => {
    expect(pointOf(sample(0, { hits: 5, misses: 5 }), sample(5_000, { hits: 5, misses: 5 })).hitRatio).toBeNull();
    expect(pointOf(sample(0), sample(5_000)).hitRatio).toBeNull();
  });

  it("gives no rate across a counter reset (a restart) or a failed reading", () => {
    const restarted = pointOf(sample(0, { totalCommands: 9_000, hits: 50, misses: 50, evictions: 9 }), sample(5_000, { totalCommands: 20, hits: 1, misses: 0, evictions: 0 }));
    expect(restarted.opsPerSec).toBeNull();
    expect(restarted.hitRatio).toBeNull();
    expect(restarted.evictionsPerSec).toBeNull();
    const afterGap = pointOf(failedSample(0), sample(5_000, { totalCommands: 100 }));
    expect(afterGap.opsPerSec).toBeNull();
  });

  it("turns a series of samples into points with gaps where a reading failed", () => {
    const points = pointsOf([
      sample(0, { totalCommands: 0, memoryUsed: 10 }),
      sample(5_000, { totalCommands: 50, memoryUsed: 20 }),
      failedSample(10_000),
      sample(15_000, { totalCommands: 200, memoryUsed: 30 }),
      sample(20_000, { totalCommands: 300, memoryUsed: 40 }),
    ]);
    expect(points.map((p) => p.opsPerSec)).toEqual([null, 10, null, null, 20]);
    expect(points.map((p) => p.memoryUsed)).toEqual([10, 20, null, 30, 40]);
  });

  it("reduces a full reading to a compact sample: keys summed over databases", () => {
    const s = sampleOf(1_234, stats());
    expect(s).toMatchObject({ at: 1_234, ok: true, memoryUsed: 1000, memoryMax: 4000, keys: 7, hits: 90, misses: 10, totalCommands: 500, clients: 3 });
    expect(sampleOf(0, stats({ keyspace: [] })).keys).toBeNull();
  });

  it("merges polled samples without repeats and keeps the newest within the capacity", () => {
    const held = [sample(1), sample(2), sample(3)];
    expect(mergeSamples(held, [sample(3), sample(4), sample(5)], 4).map((s) => s.at)).toEqual([2, 3, 4, 5]);
  });

  it("gives the overview's figures: lifetime hit ratio, ops/s of the last interval", () => {
    const figures = figuresOf({ at: 5_000, stats: stats() }, [sample(0, { totalCommands: 100 }), sample(5_000, { totalCommands: 600 })]);
    expect(figures).toMatchObject({ version: "7.0.15", keys: 7, hitRatio: 0.9, opsPerSec: 100, memoryUsed: 1000, memoryMax: 4000, clients: 3, evictions: 0, uptimeSeconds: 100 });
    expect(figuresOf({ at: 0, stats: stats() }, [sample(0, { totalCommands: 1, opsPerSec: 7 })]).opsPerSec).toBe(7);
  });
});
