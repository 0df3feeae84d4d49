import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { freePort } from "@/tests/support/process";
import { startRedisCluster, type RedisClusterHandle } from "@/tests/support/redis";
import { runDriverConformance } from "./conformance";

function rawCluster(ports: number[]): Cluster {
  const cluster = new Cluster(
    ports.map((port) => ({ host: "127.0.0.1", port })),
    { redisOptions: { protocol: 2 } },
  );
  cluster.on("error", () => undefined);
  return cluster;
}

function clusterDriver(ports: number[], timeoutMs = 5000): Driver {
  return createDriver({
    kind: "redis-cluster",
    settings: { nodes: ports.map((port) => ({ host: "127.0.0.1", port })) },
    secrets: {},
    timeoutMs,
  });
}

runDriverConformance("redis cluster (3 primaries)", async () => {
  const cluster = await startRedisCluster();
  const raw = rawCluster(cluster.ports);
  const closedPort = await freePort();
  return {
    driver: clusterDriver(cluster.ports),
    rawSet: async (key, value, ttlMs) => {
      if (ttlMs) await raw.set(key, value, "PX", ttlMs);
      else await raw.set(key, value);
    },
    rawGet: (key) => raw.getBuffer(key),
    connect: ({ timeoutMs }) => clusterDriver(cluster.ports, timeoutMs),
    connectClosedPort: ({ timeoutMs }) => clusterDriver([closedPort], timeoutMs),
    pause: () => cluster.pause(),
    resume: () => cluster.resume(),
    teardown: async () => {
      raw.disconnect();
      await cluster.stop();
    },
  };
});

describe("redis cluster specifics", () => {
  let cluster: RedisClusterHandle;
  let raw: Cluster;
  let driver: Driver;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    raw = rawCluster(cluster.ports);
    driver = clusterDriver(cluster.ports);
  });
  afterAll(async () => {
    await driver?.dispose();
    raw?.disconnect();
    await cluster?.stop();
  });

  it("returns each of 200k keys exactly once across the pages of one folded cursor", async () => {
    const total = 200_000;
    const batch = 5000;
    for (let start = 0; start < total; start += batch) {
      const writes: Promise<unknown>[] = [];
      for (let i = start; i < start + batch; i++) writes.push(raw.set(`scale:${i}`, "v"));
      await Promise.all(writes);
    }
    const seen = new Uint8Array(total);
    const nodesVisited = new Set<string>();
    let duplicates = 0;
    let count = 0;
    let cursor = "";
    for (;;) {
      const page = await driver.scan({ cursor, count: 2000, prefix: Buffer.from("scale:") });
      for (const key of page.keys) {
        const i = Number(key.toString().slice(6));
        if (seen[i]) duplicates++;
        seen[i] = 1;
        count++;
      }
      if (page.done) break;
      nodesVisited.add(Buffer.from(page.cursor, "base64url").toString().split(" ")[0]);
      cursor = page.cursor;
    }
    expect(duplicates).toBe(0);
    expect(count).toBe(total);
    expect(nodesVisited.size).toBe(3);
    expect(await driver.keyCount()).toBeGreaterThanOrEqual(total);
  });

  it("counts, expires and deletes a namespace on every primary", async () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `ns-all:{slot${i % 97}}:${i}`);
    await Promise.all(keys.map((k) => raw.set(k, "v")));
    await raw.set("ns-allX:kept", "v");
    const perNode = await Promise.all(cluster.nodes.map(async (n) => {
      const client = n.raw();
      try {
        return Number(await client.dbsize());
      } finally {
        client.disconnect();
      }
    }));
    expect(perNode.every((n) => n > 0)).toBe(true);
    expect((await driver.countPrefix(Buffer.from("ns-all:"))).matched).toBe(3000);
    expect((await driver.expirePrefix(Buffer.from("ns-all:"), 100_000)).affected).toBe(3000);
    const [meta] = await driver.describe([Buffer.from(keys[1234])]);
    expect(meta.ttlMs).toBeGreaterThan(90_000);
    expect(await driver.deletePrefix(Buffer.from("ns-all:"))).toEqual({ matched: 3000, affected: 3000, cancelled: false });
    for (const k of [keys[0], keys[1], keys[2999]]) expect(await raw.exists(k)).toBe(0);
    expect(await raw.get("ns-allX:kept")).toBe("v");
  });

  it("deletes and describes keys spread over all slots in one call", async () => {
    const keys = Array.from({ length: 500 }, (_, i) => Buffer.from(`spread:${i}`));
    await Promise.all(keys.map((k) => raw.set(k, "v", "PX", 60_000)));
    const metas = await driver.describe(keys);
    expect(metas.every((m) => m.exists && m.type === "string" && m.size === 1 && (m.ttlMs ?? 0) > 50_000)).toBe(true);
    expect(await driver.delete(keys)).toBe(500);
  });

  it("renames across slots, keeping the TTL", async () => {
    await raw.set("move:{a}", "payload", "PX", 60_000);
    await driver.rename(Buffer.from("move:{a}"), Buffer.from("move:{b}"));
    expect(await raw.get("move:{a}")).toBeNull();
    expect(await raw.get("move:{b}")).toBe("payload");
    expect(await raw.pttl("move:{b}")).toBeGreaterThan(50_000);
  });

  it("reports every primary in stats", async () => {
    const stats = await driver.stats();
    expect((stats.detail.nodes as unknown[]).length).toBe(3);
    expect(stats.detail.mode).toBe("cluster");
  });

  it("reports the CPU time of every primary's command thread, for walks that slow down on a busy server", async () => {
    const first = await driver.serverCpuSeconds!();
    expect(Object.keys(first)).toHaveLength(3);
    for (const address of Object.keys(first)) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    // The clock only moves forward, node by node.
    await Promise.all(Array.from({ length: 2000 }, (_, i) => raw.set(`cpu:{${i % 30}}`, "v")));
    const second = await driver.serverCpuSeconds!();
    for (const [address, seconds] of Object.entries(first)) expect(second[address]).toBeGreaterThanOrEqual(seconds);
  });
});
