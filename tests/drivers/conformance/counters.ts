/** Counters (`capabilities.counters`, `.floatCounters`, `.negativeCounters`). */
import { beforeAll, describe, expect, it } from "vitest";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { type ConformanceTarget, BINARY_KEY_TAIL, expectCode, unique, key, type Suite } from "./helpers";

export function countersGroup(suite: Suite): void {
  describe("counters", () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ target, driver, caps } = suite);
    });

    it("increments integers", async (ctx) => {
      if (!caps.counters) ctx.skip("needs capabilities.counters");
      const k = key(unique("incr"), BINARY_KEY_TAIL);
      await target.rawSet(k, Buffer.from("10"));
      expect(await driver.increment(k, 5)).toBe("15");
      if (caps.negativeCounters) expect(await driver.increment(k, -20)).toBe("-5");
    });

    it("keeps the TTL of a counter", async (ctx) => {
      if (!caps.counters || !caps.ttl) return ctx.skip("needs capabilities.counters and .ttl");
      const k = key(unique("incrttl"), "c");
      await target.rawSet(k, Buffer.from("1"), 120_000);
      await driver.increment(k, 1);
      const [meta] = await driver.describe([k]);
      expect(meta.ttlMs).toBeGreaterThan(100_000);
    });

    it("increments floats", async (ctx) => {
      if (!caps.counters || !caps.floatCounters) return ctx.skip("needs capabilities.counters and .floatCounters");
      const k = key(unique("incrf"), "f");
      await target.rawSet(k, Buffer.from("1.5"));
      expect(Number(await driver.increment(k, 0.25))).toBe(1.75);
      expect(Number(await driver.increment(k, 1))).toBe(2.75);
    });

    it("reports WRONG_TYPE for non-numbers", async (ctx) => {
      if (!caps.counters) ctx.skip("needs capabilities.counters");
      const k = key(unique("incrbad"), "s");
      await target.rawSet(k, Buffer.from("not a number"));
      await expectCode(driver.increment(k, 1), "WRONG_TYPE");
      expect((await target.rawGet(k))?.toString()).toBe("not a number");
    });
  });
}
