/** Renames (`capabilities.rename`) and dump/restore for undo (`capabilities.dumpRestore`). */
import { beforeAll, describe, expect, it } from "vitest";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { type ConformanceTarget, BINARY_KEY_TAIL, ALL_BYTES, expectCode, unique, key, type Suite } from "./helpers";

export function renameRestoreGroup(suite: Suite): void {
  describe("rename, dump and restore", () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ target, driver, caps } = suite);
    });

    it("renames a binary key, refusing to overwrite with ifAbsent", async (ctx) => {
      if (!caps.rename) ctx.skip("needs capabilities.rename");
      const ns = unique("rename");
      const from = key(ns, BINARY_KEY_TAIL);
      const to = key(ns, Buffer.concat([BINARY_KEY_TAIL, Buffer.from("-new")]));
      await driver.write(from, Buffer.from("v"), { ttlMs: 60_000 });
      await driver.rename(from, to);
      expect(await target.rawGet(from)).toBeNull();
      expect((await target.rawGet(to))?.toString()).toBe("v");
      const [meta] = await driver.describe([to]);
      if (caps.ttl) expect(meta.ttlMs).toBeGreaterThan(50_000);
      await target.rawSet(from, Buffer.from("other"));
      await expectCode(driver.rename(from, to, { ifAbsent: true }), "ALREADY_EXISTS");
      expect((await target.rawGet(to))?.toString()).toBe("v");
      await expectCode(driver.rename(key(ns, "missing"), key(ns, "x")), "NOT_FOUND");
    });

    it("dumps and restores a key with its TTL", async (ctx) => {
      if (!caps.dumpRestore || !driver.dump || !driver.restore) return ctx.skip("needs capabilities.dumpRestore");
      const k = key(unique("dump"), BINARY_KEY_TAIL);
      await driver.write(k, ALL_BYTES, { ttlMs: 60_000 });
      const dumped = await driver.dump(k);
      expect(dumped).not.toBeNull();
      await driver.delete([k]);
      await driver.restore(k, dumped!.payload, { ttlMs: dumped!.ttlMs, replace: false });
      expect((await target.rawGet(k))?.equals(ALL_BYTES)).toBe(true);
      const [meta] = await driver.describe([k]);
      expect(meta.ttlMs).toBeGreaterThan(50_000);
      await expectCode(driver.restore(k, dumped!.payload, { ttlMs: null, replace: false }), "ALREADY_EXISTS");
      expect(await driver.dump(key(unique("dump"), "missing"))).toBeNull();
    });
  });
}
