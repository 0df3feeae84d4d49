/**
 * A 100 MiB string must never make Redis do O(value) work for a page: opening it, paging it and downloading
 * it may only send range reads over it. Checked with MONITOR on a separate connection, which lists every
 * command the server runs (Lua's inner calls included), not with timings.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyPage } from "@/lib/server/keys/key-page";
import { openValueDownload } from "@/lib/server/keys/value-download";
import { DESCRIBE_MANY_SCRIPT, DESCRIBE_SCRIPT } from "@/lib/drivers/redis/scripts";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { startRedis, type RedisServer } from "@/tests/support/redis";

const SIZE = 100 * 1024 * 1024;
const PAGE = 65536;
const KEY = "big:value";

function pattern(offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = ((offset + i) * 31 + ((offset + i) >> 12)) & 0xff;
  return out;
}

describe("a 100 MiB Redis string", () => {
  let server: RedisServer;
  let raw: Redis;
  let driver: Driver;

  beforeAll(async () => {
    server = await startRedis();
    raw = server.raw();
    await raw.set(KEY, pattern(0, SIZE));
    driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: server.port }, secrets: {}, timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await driver?.dispose();
    raw?.disconnect();
    await server?.stop();
  });

  it("is opened, paged ten times and downloaded with STRLEN and GETRANGE only, never GET, EVAL or EVALSHA over it", async () => {
    const monitor = await raw.duplicate().monitor();
    const seen: string[][] = [];
    const marker = `monitor:end:${Date.now()}`;
    let ended: () => void = () => undefined;
    const end = new Promise<void>((resolve) => (ended = resolve));
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.includes(marker)) ended();
      else if (args.includes(KEY) || /^eval/i.test(args[0])) seen.push(args);
    });

    try {
      const opened = await driver.read(Buffer.from(KEY), { bytes: PAGE, limit: 100 });
      expect(opened.type).toBe("string");
      if (opened.type !== "string") return;
      expect(opened.total).toBe(SIZE);
      expect(opened.value.equals(pattern(0, PAGE))).toBe(true);
      for (let page = 1; page <= 10; page++) {
        const next = await driver.read(Buffer.from(KEY), { offset: page * PAGE, bytes: PAGE, limit: 100 });
        expect(next.type === "string" && next.digest).toBe(opened.digest);
        expect(next.type === "string" && next.value.equals(pattern(page * PAGE, PAGE))).toBe(true);
      }

      const download = await openValueDownload(driver, Buffer.from(KEY));
      expect(download.total).toBe(SIZE);
      let received = 0;
      const reader = download.stream.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Spot-check each chunk's first bytes rather than holding 100 MiB twice.
        expect(Buffer.from(value.subarray(0, 64)).equals(pattern(received, Math.min(64, value.length)))).toBe(true);
        received += value.length;
      }
      expect(received).toBe(SIZE);

      await raw.exists(marker);
      await end;
    } finally {
      monitor.disconnect();
    }

    const commands = new Set(seen.map((args) => args[0].toUpperCase()));
    expect([...commands].filter((c) => c === "GET" || c.startsWith("EVAL"))).toEqual([]);
    expect(commands.has("GETRANGE")).toBe(true);
    expect([...commands].sort()).toEqual(expect.arrayContaining(["GETRANGE", "STRLEN"]));
    for (const command of commands) expect(["GETRANGE", "STRLEN", "TYPE", "PTTL"]).toContain(command);
    const ranges = seen.filter((args) => args[0].toUpperCase() === "GETRANGE").map((args) => Number(args[3]) - Number(args[2]) + 1);
    // Every range read is bounded (a page, a 4 MiB download chunk or a 4 KiB sample), never the whole value.
    for (const length of ranges) if (length > 0) expect(length).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it("is listed with a format read from its first 1 KiB only, never read whole or hashed", async () => {
    const monitor = await raw.duplicate().monitor();
    const seen: string[][] = [];
    const marker = `monitor:end:${Date.now()}`;
    let ended: () => void = () => undefined;
    const end = new Promise<void>((resolve) => (ended = resolve));
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.includes(marker)) ended();
      else if (args.includes(KEY)) seen.push(args);
    });
    try {
      const page = await keyPage(driver, { prefix: Buffer.from("big:"), limit: 10 });
      expect(page.rows).toHaveLength(1);
      expect(page.rows[0]).toMatchObject({ type: "string", size: SIZE });
      await raw.exists(marker);
      await end;
    } finally {
      monitor.disconnect();
    }
    const commands = seen.map((args) => args[0].toUpperCase());
    expect(commands).not.toContain("GET");
    // The describe scripts only (one key, or a page of keys in one call): never the digest of the whole value.
    for (const args of seen.filter((a) => /^evalsha$/i.test(a[0]))) expect([DESCRIBE_SCRIPT.sha, DESCRIBE_MANY_SCRIPT.sha]).toContain(args[1]);
    const ranges = seen.filter((args) => args[0].toUpperCase() === "GETRANGE");
    expect(ranges.length).toBeGreaterThan(0);
    for (const args of ranges) expect(Number(args[3]) - Number(args[2]) + 1).toBeLessThanOrEqual(1024);
  });
});
