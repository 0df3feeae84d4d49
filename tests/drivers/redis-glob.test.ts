import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileGlob, escapeGlob, prefixPattern } from "@/lib/drivers/glob";
import { startRedis, type RedisServer } from "@/tests/support/redis";

/** The glob helpers must agree byte for byte with the matcher Redis runs for SCAN MATCH. */
describe("glob helpers against Redis' own matcher", () => {
  let server: RedisServer;
  let raw: Redis;
  const keys = [
    "LITESTAR:a", "LITESTARX:a", "LITESTAR_sessions:x", "a*b", "a?b", "a[b]c", "a\\b", "abc", "ab", "b", "",
    ":1:views", "::user:42", "x-y", "a-z", "Abc", "a]b", "a^b",
  ].map((k) => Buffer.from(k)).concat([Buffer.from([0xff, 0xfe, 0x00, 0x61, 0x62, 0x63]), Buffer.from([0x61, 0xff, 0x62])]);
  const patterns = [
    "*", "LITESTAR:*", "LITESTAR*", "a*", "a?b", "a\\*b", "a[*?]b", "a[b-z]*", "a[z-b]*", "a[^b]*", "[a-c]", "a\\\\b",
    "*b", "*:*", "::*", "a[]]b", "a[\\]]b", "?", "a[bc", "a*b*c", "*\\[b\\]*",
  ].map((p) => Buffer.from(p)).concat([Buffer.from([0xff, 0x2a]), Buffer.from([0x61, 0x3f, 0x62])]);

  beforeAll(async () => {
    server = await startRedis();
    raw = server.raw();
    await Promise.all(keys.filter((k) => k.length > 0).map((k) => raw.set(k, "v")));
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function serverMatches(pattern: Buffer): Promise<string[]> {
    const found: string[] = [];
    let cursor = "0";
    do {
      // ioredis types MATCH as a string; the pattern here is raw bytes.
      const [next, page] = (await raw.callBuffer("SCAN", cursor, "MATCH", pattern, "COUNT", 1000)) as [Buffer, Buffer[]];
      cursor = next.toString();
      found.push(...page.map((k) => k.toString("hex")));
    } while (cursor !== "0");
    return found.sort();
  }

  it("compileGlob selects the same keys as SCAN MATCH", async () => {
    for (const pattern of patterns) {
      const local = keys.filter((k) => k.length > 0 && compileGlob(pattern)(k)).map((k) => k.toString("hex")).sort();
      expect(local, pattern.toString("latin1")).toEqual(await serverMatches(pattern));
    }
  });

  it("prefixPattern matches exactly the keys that start with the prefix", async () => {
    for (const prefix of ["LITESTAR:", "a*", "a[b]", "a\\", "a?", ":", "a"].map((p) => Buffer.from(p)).concat([Buffer.from([0xff, 0xfe])])) {
      const expected = keys.filter((k) => k.length > 0 && k.subarray(0, prefix.length).equals(prefix)).map((k) => k.toString("hex")).sort();
      expect(await serverMatches(prefixPattern(prefix)), prefix.toString("latin1")).toEqual(expected);
      expect(keys.filter((k) => k.length > 0 && compileGlob(prefixPattern(prefix))(k)).map((k) => k.toString("hex")).sort()).toEqual(expected);
    }
  });

  it("escapeGlob leaves plain bytes alone and escapes only glob syntax", () => {
    expect(escapeGlob(Buffer.from("plain:key")).toString()).toBe("plain:key");
    expect(escapeGlob(Buffer.from("a*b?c[d]e\\f")).toString()).toBe("a\\*b\\?c\\[d\\]e\\\\f");
  });
});
