/**
 * Opening a collection the driver has just listed costs one round trip: its page goes out beside TYPE and
 * PTTL, and no string command is tried on it (Redis counts every WRONGTYPE in its error stats, which an
 * operator watches). A key that changed type since it was listed is still read right. The few commands of
 * one request leave in one write at once, not through ioredis's auto-pipeline at the next turn of the loop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createDriver } from "@/lib/drivers/registry";
import { RedisConnection } from "@/lib/drivers/redis/client";
import { redisSettingsSchema } from "@/lib/drivers/redis/settings";
import type { Driver } from "@/lib/drivers/types";
import { startRedis, type RedisServer } from "../support/redis";

async function counters(server: RedisServer): Promise<{ wrongType: number; strlen: number; hscan: number; type: number }> {
  const [errors, commands] = await Promise.all([server.raw().info("errorstats"), server.raw().info("commandstats")]);
  const count = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    wrongType: count(errors, /errorstat_WRONGTYPE:count=(\d+)/),
    strlen: count(commands, /cmdstat_strlen:calls=(\d+)/),
    hscan: count(commands, /cmdstat_hscan:calls=(\d+)/),
    type: count(commands, /cmdstat_type:calls=(\d+)/),
  };
}

describe("redis: reading a key the driver has listed", () => {
  let server: RedisServer;
  let driver: Driver;
  beforeAll(async () => {
    server = await startRedis();
    await server.raw().hset("profile:1", { name: "Ada", lang: "en" });
    await server.raw().rpush("queue", "a", "b", "c");
    await server.raw().set("plain", "text");
    driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: server.port }, secrets: {}, timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await driver?.dispose();
    await server?.stop();
  });

  it("sends a listed hash's page with TYPE and tries no string command on it", async () => {
    await driver.describe([Buffer.from("profile:1"), Buffer.from("queue")]);
    const before = await counters(server);
    const read = await driver.read(Buffer.from("profile:1"), { limit: 100 });
    const after = await counters(server);
    expect(read).toMatchObject({ type: "hash", total: 2, ttlMs: null });
    expect(after.wrongType - before.wrongType).toBe(0);
    expect(after.strlen - before.strlen).toBe(0);
    expect(after.type - before.type).toBe(1);
    expect(after.hscan - before.hscan).toBe(1);
  });

  it("reads a key that changed type since it was listed, and a string as before", async () => {
    await driver.describe([Buffer.from("queue")]);
    await server.raw().del("queue");
    await server.raw().set("queue", "now a string");
    await expect(driver.read(Buffer.from("queue"))).resolves.toMatchObject({ type: "string", total: 12 });
    await server.raw().del("queue");
    await server.raw().sadd("queue", "x");
    await expect(driver.read(Buffer.from("queue"))).resolves.toMatchObject({ type: "set", total: 1 });
    await expect(driver.read(Buffer.from("plain"))).resolves.toMatchObject({ type: "string", total: 4 });
    await server.raw().del("plain");
    await expect(driver.read(Buffer.from("plain"))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("describes a page of 250 keys in three commands, each key as it is, missing ones too", async () => {
    const keys = Array.from({ length: 250 }, (_, i) => Buffer.from(`page:${i}`));
    await server.raw().mset(Object.fromEntries(keys.slice(0, 240).map((key, i) => [key.toString(), `{"n":${i}}`])));
    await server.raw().pexpire("page:1", 60_000);
    await server.raw().del("page:2");
    await server.raw().rpush("page:240", "a", "b");
    const evalshaCalls = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await server.raw().info("commandstats"))?.[1] ?? 0);
    await driver.describeHeads!(keys.slice(0, 1), 16); // loads the script on the server
    const before = await evalshaCalls();
    const heads = await driver.describeHeads!(keys, 16);
    expect((await evalshaCalls()) - before).toBe(3);
    expect(heads).toHaveLength(250);
    expect(heads[0]).toMatchObject({ key: keys[0], exists: true, type: "string", ttlMs: null, size: 7, head: Buffer.from('{"n":0}') });
    expect(heads[1].ttlMs).toBeGreaterThan(0);
    expect(heads[2]).toMatchObject({ key: keys[2], exists: false });
    expect(heads[240]).toMatchObject({ key: keys[240], exists: true, type: "list", length: 2, head: null });
    expect(heads[249]).toMatchObject({ key: keys[249], exists: false });
    await server.raw().del(...keys);
  });

  it("sends the commands of `together` in one write before it returns, and leaves the client as it was", async () => {
    await server.raw().set("plain", "text");
    const connection = new RedisConnection({ kind: "redis", settings: redisSettingsSchema.parse({ host: "127.0.0.1", port: server.port }) }, {}, 10_000);
    try {
      await connection.run(async (client) => {
        const redis = client as Redis;
        const socket = redis.stream;
        const writes: number[] = [];
        // The socket's own write paths, counted as they hand data to the kernel (a corked socket writes once, by writev).
        const spy = (name: "_write" | "_writev") => {
          const original = socket[name];
          socket[name] = function (this: typeof socket, ...args: never[]) {
            writes.push(performance.now());
            return (original as (...a: never[]) => void).apply(this, args);
          } as never;
          return () => (socket[name] = original as never);
        };
        const restore = [spy("_write"), spy("_writev")];
        try {
          const replies = connection.together(client, () =>
            Promise.all([connection.call(client, "TYPE", "plain"), connection.call(client, "PTTL", "plain"), connection.call(client, "STRLEN", "plain"), connection.call(client, "GETRANGE", "plain", 0, 99)]),
          );
          // Already on the wire: one write, nothing waiting in an auto-pipeline or in the socket's buffer.
          expect(writes).toHaveLength(1);
          expect(redis.autoPipelineQueueSize).toBe(0);
          expect(socket.writableLength).toBe(0);
          expect(socket.writableCorked).toBe(0);
          expect(redis.options.enableAutoPipelining).toBe(true);
          const [type, ttl, length, range] = await replies;
          expect([String(type), Number(ttl), Number(length), String(range)]).toEqual(["string", -1, 4, "text"]);
          // Outside `together`, commands still go through the auto-pipeline, at the next turn of the loop.
          const later = connection.call(client, "TYPE", "plain");
          expect(redis.autoPipelineQueueSize).toBe(1);
          await later;
        } finally {
          for (const undo of restore) undo();
        }
      });
    } finally {
      await connection.dispose();
    }
  });
});
