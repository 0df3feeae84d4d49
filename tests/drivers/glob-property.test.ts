import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileGlob, scanMatcher } from "@/lib/drivers/glob";
import { startRedis, type RedisServer } from "@/tests/support/redis";

/**
 * The in-process matcher (memcached and uWSGI filter with it) must keep exactly the keys Redis' SCAN MATCH
 * keeps, for any pattern and any keys, and must stay linear on patterns that make a backtracking matcher
 * explode.
 */
describe("glob matcher against a real Redis' SCAN MATCH", () => {
  let server: RedisServer;
  let raw: Redis;

  beforeAll(async () => {
    server = await startRedis();
    raw = server.raw();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function serverMatches(pattern: Buffer): Promise<string[]> {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, page] = (await raw.callBuffer("SCAN", cursor, "MATCH", pattern, "COUNT", 1000)) as [Buffer, Buffer[]];
      cursor = next.toString();
      found.push(...page.map((k) => k.toString("hex")));
    } while (cursor !== "0");
    return found.sort();
  }

  async function compare(keys: Buffer[], patterns: Buffer[]): Promise<void> {
    await raw.flushdb();
    const write = raw.pipeline();
    for (const key of keys) write.set(key, "v");
    await write.exec();
    const unique = [...new Map(keys.map((k) => [k.toString("hex"), k])).values()];
    for (const pattern of patterns) {
      const matches = scanMatcher(pattern);
      const local = unique.filter((k) => matches(k)).map((k) => k.toString("hex")).sort();
      expect(local, `pattern ${pattern.toString("hex")} (${JSON.stringify(pattern.toString("latin1"))})`).toEqual(await serverMatches(pattern));
    }
  }

  // Few distinct bytes, so that random patterns and keys overlap often; glob syntax, a NUL and bytes above
  // 0x7f (Redis compares range bounds as signed chars) included.
  const keyByte = fc.constantFrom(0x61, 0x62, 0x63, 0x2d, 0x5d, 0x5e, 0x5c, 0x2a, 0x3f, 0x5b, 0x00, 0x90, 0xff);
  const patternByte = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0x61, 0x62, 0x63) },
    { weight: 3, arbitrary: fc.constantFrom(0x2a, 0x3f, 0x5b, 0x5d) },
    { weight: 2, arbitrary: fc.constantFrom(0x5e, 0x2d, 0x5c) },
    { weight: 1, arbitrary: fc.constantFrom(0x00, 0x90, 0xff) },
  );
  const keyArb = fc.array(keyByte, { minLength: 0, maxLength: 8 }).map((b) => Buffer.from(b));
  const patternArb = fc.array(patternByte, { minLength: 0, maxLength: 10 }).map((b) => Buffer.from(b));

  it("keeps the same keys as SCAN MATCH for random patterns and keys", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(keyArb, { minLength: 1, maxLength: 40 }), fc.array(patternArb, { minLength: 1, maxLength: 15 }), compare),
      { numRuns: 150 },
    );
  });

  it("agrees on Redis' corner cases: signed range bounds, unterminated classes, the nesting limit, the empty key", async () => {
    const keys = ["", "a", "b", "]", "-", "\\", "ab", "a]", "a-b"].map((k) => Buffer.from(k, "latin1")).concat([
      Buffer.from([0x90]),
      Buffer.from([0x00, 0x61]),
      Buffer.from("a".repeat(1001)),
    ]);
    const patterns = [
      "", "*", "**", "?", "[a-\xff]", "[\xff-a]", "[\x90-\xff]", "[a-]", "[a-]b]", "[]", "[^]", "[", "[^", "[\\", "\\", "a\\", "[a-b",
      "*a".repeat(1001), "*a".repeat(1000) + "*", "*a".repeat(1000), "*a".repeat(1001) + "*",
    ].map((p) => Buffer.from(p, "latin1"));
    await compare(keys, patterns);
  });

  it("finishes on patterns that make a backtracking matcher exponential", async () => {
    const key = Buffer.from("a".repeat(60));
    await compare([key], [Buffer.from("*a*a*a*a*a*a*b")]);
    expect(compileGlob(Buffer.from("*a*a*a*a*a*a*b"))(key)).toBe(false);
    expect(compileGlob(Buffer.from("*".repeat(1000)))(key)).toBe(true);
    expect(compileGlob(Buffer.from("*".repeat(1000) + "b"))(key)).toBe(false);
    const long = Buffer.from("a".repeat(4000));
    expect(compileGlob(Buffer.from("*a".repeat(500) + "*b"))(long)).toBe(false);
    expect(compileGlob(Buffer.from("?*".repeat(1000) + "a"))(long)).toBe(true);
  });
});
