import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDump } from "@/lib/audit/rdb-dump";
import { startRedis, type RedisServer } from "../support/redis";

describe("readDump on payloads from a real Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const dump = async (key: string) => (await redis.raw().dumpBuffer(key))!;

  it("reads strings: raw, integer-encoded, LZF-compressed and binary", async () => {
    const raw = redis.raw();
    await raw.set("s", "hello");
    await raw.set("i", "-12345");
    const long = "abc".repeat(2000);
    await raw.set("lzf", long);
    await raw.set(Buffer.from("b"), Buffer.from([0, 255, 10]));
    expect(readDump(await dump("s"))).toEqual({ type: "string", value: Buffer.from("hello") });
    expect(readDump(await dump("i"))).toEqual({ type: "string", value: Buffer.from("-12345") });
    expect(readDump(await dump("lzf"))).toEqual({ type: "string", value: Buffer.from(long) });
    expect(readDump(await dump("b"))).toEqual({ type: "string", value: Buffer.from([0, 255, 10]) });
  });

  it("reads hashes in listpack and hashtable encodings", async () => {
    const raw = redis.raw();
    await raw.hset("h", { a: "1", b: "two", c: "-70000", d: "x".repeat(60) });
    expect(readDump(await dump("h"))).toEqual({
      type: "hash",
      entries: [
        { field: Buffer.from("a"), value: Buffer.from("1") },
        { field: Buffer.from("b"), value: Buffer.from("two") },
        { field: Buffer.from("c"), value: Buffer.from("-70000") },
        { field: Buffer.from("d"), value: Buffer.from("x".repeat(60)) },
      ],
    });
    const big = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]));
    await raw.hset("hbig", big);
    const read = readDump(await dump("hbig"));
    expect(read?.type).toBe("hash");
    expect(Object.fromEntries((read as { entries: { field: Buffer; value: Buffer }[] }).entries.map((e) => [e.field.toString(), e.value.toString()]))).toEqual(big);
  });

  it("reads lists, sets (intset, listpack, hashtable) and sorted sets", async () => {
    const raw = redis.raw();
    await raw.rpush("l", "a", "5000", "c");
    await raw.sadd("si", 1, 2, 300000);
    await raw.sadd("sl", "x", "y");
    await raw.sadd("sh", ...Array.from({ length: 200 }, (_, i) => `m${i}`));
    await raw.zadd("z", 1.5, "one", 2, "two");
    await raw.zadd("zbig", ...Array.from({ length: 200 }, (_, i) => [i / 2, `m${i}`]).flat());
    expect(readDump(await dump("l"))).toEqual({ type: "list", items: ["a", "5000", "c"].map((s) => Buffer.from(s)) });
    expect(readDump(await dump("si"))).toEqual({ type: "set", members: ["1", "2", "300000"].map((s) => Buffer.from(s)) });
    expect((readDump(await dump("sl")) as { members: Buffer[] }).members.map(String).sort()).toEqual(["x", "y"]);
    expect((readDump(await dump("sh")) as { members: Buffer[] }).members.map(String).sort()).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`).sort());
    expect(readDump(await dump("z"))).toEqual({ type: "zset", members: [{ member: Buffer.from("one"), score: 1.5 }, { member: Buffer.from("two"), score: 2 }] });
    expect((readDump(await dump("zbig")) as { members: unknown[] }).members).toHaveLength(200);
  });

  it("answers null for what it does not read, and for garbage", async () => {
    await redis.raw().xadd("st", "*", "f", "v");
    expect(readDump(await dump("st"))).toBeNull();
    expect(readDump(Buffer.from([0, 0x40]))).toBeNull();
  });
});
