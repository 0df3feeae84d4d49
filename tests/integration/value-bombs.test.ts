/**
 * Hostile values on a real Redis: two hundred 214-byte zlib(zlib(zlib(63 MiB of zeros))) keys in one
 * namespace are listed, each row labelled "too large to inspect", without the process inflating them; and the
 * audit log shows snapshots of such keys (a string and a hash of bombs) the same way.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { presentEntry } from "@/lib/audit/present";
import { keyPage } from "@/lib/server/keys/key-page";
import type { AuditEntry } from "@/lib/db";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { nestedZlibBomb } from "../support/bombs";
import { startRedis, type RedisServer } from "../support/redis";

const BOMBS = 200;

/** Linux lets a process reset its own peak RSS (VmHWM) by writing 5 to clear_refs. */
function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

function peakRss(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(match![1]) * 1024;
}

function currentRss(): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return Number(match![1]) * 1024;
}

const canMeasurePeak = resetPeakRss();

describe("value bombs", () => {
  let redis: RedisServer;
  let driver: Driver;
  let bomb: Buffer;

  beforeAll(async () => {
    bomb = nestedZlibBomb();
    redis = await startRedis();
    const raw = redis.raw();
    const pipeline = raw.pipeline();
    for (let i = 0; i < BOMBS; i++) pipeline.set(`bombs:${String(i).padStart(3, "0")}`, bomb);
    pipeline.set("other:plain", JSON.stringify({ ok: true }));
    await pipeline.exec();
    driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: redis.port }, secrets: {}, timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await driver?.dispose();
    await redis?.stop();
  });

  it.skipIf(!canMeasurePeak)("lists 200 bomb keys, every row labelled too large to inspect, with bounded memory (needs /proc/self/clear_refs)", async () => {
    expect(bomb.length).toBeLessThan(300);
    resetPeakRss();
    const before = currentRss();
    const page = await keyPage(driver, { prefix: Buffer.from("bombs:"), limit: 1000 });
    const growth = peakRss() - before;
    expect(page.rows).toHaveLength(BOMBS);
    for (const row of page.rows) expect(row.format).toBe("zlib → too large to inspect");
    // Inflating even one of them in full takes more than 63 MiB.
    expect(growth).toBeLessThan(128 * 1024 * 1024);
    const plain = await keyPage(driver, { exact: Buffer.from("other:plain") });
    expect(plain.rows[0]?.format).toBe("JSON (compact)");
  });

  it("the audit log shows snapshots of bombs as too large to inspect", async () => {
    const raw = redis.raw();
    await raw.hset("bombs:hash", Object.fromEntries(Array.from({ length: BOMBS }, (_, i) => [`f${i}`, bomb])));
    const entry = (key: string, dump: Buffer, type: string): AuditEntry => ({
      id: 1,
      at: new Date(),
      actorId: null,
      actorEmail: "editor@example.test",
      connectionId: "c1",
      connectionName: "cache",
      action: "keys.delete",
      status: "done",
      targetKey: Buffer.from(key),
      detail: null,
      beforeValue: new Uint8Array(dump),
      beforeDigest: "0".repeat(40),
      beforeMeta: JSON.stringify({ exists: true, driver: "redis", encoding: "dump", type, ttlMs: null, size: dump.length }),
      afterValue: null,
      afterDigest: null,
      afterMeta: JSON.stringify({ exists: false }),
      outcome: "ok",
      errorCode: null,
      errorMessage: null,
      clientAddress: null,
      undoOfId: null,
    });
    const stringView = presentEntry(entry("bombs:000", (await raw.dumpBuffer("bombs:000"))!, "string"));
    expect(stringView.before?.format).toBe("zlib → too large to inspect");
    expect(stringView.before?.lines).toEqual(["(too large to inspect)"]);
    const hashView = presentEntry(entry("bombs:hash", (await raw.dumpBuffer("bombs:hash"))!, "hash"));
    expect(hashView.before?.lines).toHaveLength(BOMBS);
    for (const line of hashView.before!.lines) expect(line).toMatch(/^f\d+: \(too large to inspect\)$/);
  });
});
