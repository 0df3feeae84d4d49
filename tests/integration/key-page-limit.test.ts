/**
 * The key list honours `limit` exactly: walking a namespace page by page with limit 1, 5 or 200 returns every
 * key exactly once and no page holds more rows than asked for, on every backend that lists keys. Half the
 * keys have long names, so leftovers of a scan step overflow the inline cursor and take the handle path too.
 */
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyPage } from "@/lib/server/keys/key-page";
import { keyFromParam } from "@/lib/wire/keys";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { startMemcached } from "@/tests/support/memcached";
import { startRedis, startRedisCluster } from "@/tests/support/redis";
import { startUwsgi } from "@/tests/support/uwsgi";

const COUNT = 240;

function names(ns: string): Buffer[] {
  return Array.from({ length: COUNT }, (_, i) => Buffer.from(i % 2 ? `${ns}${i}:${"x".repeat(180)}` : `${ns}${i}`));
}

interface Backend {
  driver: Driver;
  set(key: Buffer, value: Buffer): Promise<void>;
  stop(): Promise<void>;
}

const backends: Record<string, () => Promise<Backend>> = {
  "redis standalone": async () => {
    const server = await startRedis();
    const raw = server.raw();
    const driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: server.port }, secrets: {}, timeoutMs: 5000 });
    return {
      driver,
      set: async (key, value) => void (await raw.set(key, value)),
      stop: async () => {
        raw.disconnect();
        await server.stop();
      },
    };
  },
  "redis cluster": async () => {
    const cluster = await startRedisCluster();
    const raw = new Cluster(cluster.ports.map((port) => ({ host: "127.0.0.1", port })), { redisOptions: { protocol: 2 } });
    raw.on("error", () => undefined);
    const driver = createDriver({
      kind: "redis-cluster",
      settings: { nodes: cluster.ports.map((port) => ({ host: "127.0.0.1", port })) },
      secrets: {},
      timeoutMs: 5000,
    });
    return {
      driver,
      set: async (key, value) => void (await raw.set(key, value)),
      stop: async () => {
        raw.disconnect();
        await cluster.stop();
      },
    };
  },
  memcached: async () => {
    const cluster = await startMemcached(2);
    return {
      driver: createDriver({ kind: "memcached", settings: { servers: cluster.addresses }, secrets: {} }),
      set: (key, value) => cluster.rawSet(key, value),
      stop: () => cluster.stop(),
    };
  },
  uwsgi: async () => {
    const server = await startUwsgi([
      { name: "lim", items: 1000, keysize: 512, blocksize: 4096 },
      { name: "other", items: 10, keysize: 64, blocksize: 1024 },
    ]);
    const driver = createDriver({ kind: "uwsgi", settings: { address: server.address, statsAddress: server.statsAddress }, secrets: {} });
    return {
      driver,
      // Written through the driver: the test app's HTTP socket drops kept-alive connections under a burst.
      set: async (key, value) => void (await driver.write(key, value)),
      stop: () => server.stop(),
    };
  },
};

describe.each(Object.keys(backends))("key list pages on %s", (name) => {
  let backend: Backend;
  const ns = "lim:";
  const keys = names(ns);

  beforeAll(async () => {
    backend = await backends[name]();
    for (const key of keys) await backend.set(key, Buffer.from("v"));
    await backend.set(Buffer.from("other:1"), Buffer.from("v"));
  });

  afterAll(async () => {
    await backend?.driver.dispose();
    await backend?.stop();
  });

  it.each([1, 5, 200])("walks with limit %i: every key exactly once, no page over the limit", async (limit) => {
    // uWSGI keys are `<cache>:<key>`: the cache is the namespace, so its prefix is the cache name.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10 * COUNT; pages++) {
      const page = await keyPage(backend.driver, { prefix: Buffer.from(ns), limit, cursor });
      expect(page.rows.length).toBeLessThanOrEqual(limit);
      seen.push(...page.rows.map((row) => Buffer.from(keyFromParam(row.param)).toString("latin1")));
      if (page.done) break;
      cursor = page.cursor;
    }
    expect(seen.length).toBe(COUNT);
    expect([...seen].sort()).toEqual(keys.map((key) => key.toString("latin1")).sort());
  });

  it("refuses a cursor it did not make instead of skipping keys", async () => {
    await expect(keyPage(backend.driver, { prefix: Buffer.from(ns), cursor: "k1h.unknown-handle" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
