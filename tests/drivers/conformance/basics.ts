/** Reads, writes and descriptions every backend supports, and the server's figures. */
import { beforeAll, describe, expect, it } from "vitest";
import { valueDigest } from "@/lib/drivers/digest";
import type { Capabilities, Driver, KeyMeta } from "@/lib/drivers/types";
import { type ConformanceTarget, BINARY_KEY_TAIL, ALL_BYTES, expectCode, unique, key, asString, payload, type Suite } from "./helpers";

export function basicsGroup(suite: Suite): void {
  describe("basics", () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ target, driver, caps } = suite);
    });

    it("pings and reports a version", async () => {
      const result = await driver.ping();
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.latencyMs).toBeLessThan(5000);
    });

    it("writes and reads binary keys and values byte for byte", async () => {
      const ns = unique("bin");
      const k = key(ns, BINARY_KEY_TAIL);
      const { digest } = await driver.write(k, ALL_BYTES);
      expect(digest).toBe(valueDigest(ALL_BYTES));
      const read = asString(await driver.read(k));
      expect(read.key.equals(k)).toBe(true);
      expect(read.value.equals(ALL_BYTES)).toBe(true);
      expect(read.total).toBe(256);
      expect(read.digest).toBe(valueDigest(ALL_BYTES));
      expect((await target.rawGet(k))?.equals(ALL_BYTES)).toBe(true);
    });

    it("describes missing keys as not existing", async () => {
      const ns = unique("missing");
      const metas = await driver.describe([key(ns, "nope"), key(ns, BINARY_KEY_TAIL)]);
      expect(metas.map((m) => m.exists)).toEqual([false, false]);
      expect(metas[1].key.equals(key(ns, BINARY_KEY_TAIL))).toBe(true);
    });

    it("describes many keys in order with type, TTL and size", async () => {
      const ns = unique("describe");
      const keys = Array.from({ length: 50 }, (_, i) => key(ns, `k${i}`));
      await Promise.all(keys.map((k, i) => target.rawSet(k, payload(i + 1), i % 2 ? 120_000 : undefined)));
      const metas = await driver.describe(keys);
      expect(metas).toHaveLength(50);
      metas.forEach((m: KeyMeta, i) => {
        expect(m.key.equals(keys[i])).toBe(true);
        expect(m.exists).toBe(true);
        if (m.size !== null) expect(m.size).toBe(i + 1);
        if (caps.ttl) {
          if (i % 2) expect(m.ttlMs).toBeGreaterThan(100_000);
          else expect(m.ttlMs).toBeNull();
        }
      });
    });

    it("reports NOT_FOUND for reads and expiries of missing keys", async () => {
      const k = key(unique("nf"), "missing");
      await expectCode(driver.read(k), "NOT_FOUND");
      if (caps.ttl) await expectCode(driver.expire(k, 10_000), "NOT_FOUND");
      if (caps.persist) await expectCode(driver.persist(k), "NOT_FOUND");
    });

    it("writes only absent keys with ifAbsent", async () => {
      const k = key(unique("add"), BINARY_KEY_TAIL);
      await driver.write(k, Buffer.from("first"), { ifAbsent: true });
      await expectCode(driver.write(k, Buffer.from("second"), { ifAbsent: true }), "ALREADY_EXISTS");
      expect((await target.rawGet(k))?.toString()).toBe("first");
    });

    it("stores an empty value where the backend allows it", async (ctx) => {
      if (!caps.emptyValues) ctx.skip("needs capabilities.emptyValues");
      const k = key(unique("empty"), "e");
      await driver.write(k, Buffer.alloc(0));
      const read = asString(await driver.read(k));
      expect(read.total).toBe(0);
      expect(read.value.length).toBe(0);
    });

    it("refuses keys longer than the backend allows with TOO_LARGE", async (ctx) => {
      if (caps.maxKeyBytes === null) return ctx.skip("the backend has no key length limit");
      const k = Buffer.alloc(caps.maxKeyBytes + 1, 0x6b);
      await expectCode(driver.write(k, Buffer.from("v")), "TOO_LARGE");
    });

    it("reports key counts and server stats", async () => {
      const count = await driver.keyCount();
      if (count !== null) expect(count).toBeGreaterThan(0);
      const stats = await driver.stats();
      expect(stats.keyspace).toBeInstanceOf(Array);
      expect(typeof stats.detail).toBe("object");
    });
  });
}
