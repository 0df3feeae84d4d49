/** Expiries: setting and removing them, and keeping them across edits (`capabilities.ttl`, `.persist`). */
import { beforeAll, describe, expect, it } from "vitest";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { type ConformanceTarget, BINARY_KEY_TAIL, unique, key, type Suite } from "./helpers";

export function expiryGroup(suite: Suite): void {
  describe("expiry", () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ target, driver, caps } = suite);
    });

    it("expires a binary key", async (ctx) => {
      if (!caps.ttl) ctx.skip("needs capabilities.ttl");
      const k = key(unique("binttl"), BINARY_KEY_TAIL);
      await target.rawSet(k, Buffer.from("v"));
      const [before] = await driver.describe([k]);
      expect(before.ttlMs).toBeNull();
      await driver.expire(k, 60_000);
      const [withTtl] = await driver.describe([k]);
      expect(withTtl.ttlMs).toBeGreaterThan(50_000);
      expect(withTtl.ttlMs).toBeLessThanOrEqual(60_000);
      expect((await target.rawGet(k))?.toString()).toBe("v");
    });

    it("expireKeys sets a TTL only on keys without one when asked, and counts what it changed", async (ctx) => {
      if (!caps.ttl) ctx.skip("needs capabilities.ttl");
      const ns = unique("bulkttl");
      const plain = [key(ns, ":a"), key(ns, ":b"), key(ns, BINARY_KEY_TAIL)];
      const expiring = [key(ns, ":c"), key(ns, ":d")];
      const missing = key(ns, ":gone");
      await Promise.all(plain.map((k) => target.rawSet(k, Buffer.from("v"))));
      await Promise.all(expiring.map((k) => target.rawSet(k, Buffer.from("v"), 3_600_000)));
      const changed = await driver.expireKeys([...plain, ...expiring, missing], 120_000, { onlyWithoutTtl: true });
      expect(changed).toBe(plain.length);
      const metas = await driver.describe([...plain, ...expiring, missing]);
      for (const m of metas.slice(0, plain.length)) {
        expect(m.ttlMs).toBeGreaterThan(100_000);
        expect(m.ttlMs).toBeLessThanOrEqual(120_000);
      }
      // Keys that had a TTL kept theirs (an hour, not two minutes).
      for (const m of metas.slice(plain.length, plain.length + expiring.length)) expect(m.ttlMs).toBeGreaterThan(3_000_000);
      expect(metas.at(-1)?.exists).toBe(false);
      // Without the option every existing key gets the TTL.
      expect(await driver.expireKeys([...expiring, missing], 120_000)).toBe(expiring.length);
      for (const m of await driver.describe(expiring)) expect(m.ttlMs).toBeLessThanOrEqual(120_000);
      if (caps.persist) {
        expect(await driver.expireKeys([...plain, ...expiring], null)).toBe(plain.length + expiring.length);
        for (const m of await driver.describe([...plain, ...expiring])) expect(m.ttlMs).toBeNull();
      }
      for (const k of plain) expect((await target.rawGet(k))?.toString()).toBe("v");
    });

    it("removes the expiry of a binary key with persist, keeping its value", async (ctx) => {
      if (!caps.persist) ctx.skip("needs capabilities.persist");
      const k = key(unique("binpersist"), BINARY_KEY_TAIL);
      await target.rawSet(k, Buffer.from("v"), 60_000);
      const [withTtl] = await driver.describe([k]);
      expect(withTtl.ttlMs).toBeGreaterThan(50_000);
      await driver.persist(k);
      const [persisted] = await driver.describe([k]);
      expect(persisted.ttlMs).toBeNull();
      expect((await target.rawGet(k))?.toString()).toBe("v");
    });

    it("keeps the TTL across edits unless a new one is given", async (ctx) => {
      if (!caps.ttl) ctx.skip("needs capabilities.ttl");
      const k = key(unique("ttl"), BINARY_KEY_TAIL);
      await driver.write(k, Buffer.from("one"), { ttlMs: 60_000 });
      await driver.write(k, Buffer.from("two"));
      const [kept] = await driver.describe([k]);
      expect(kept.ttlMs).toBeGreaterThan(50_000);
      expect((await target.rawGet(k))?.toString()).toBe("two");

      await driver.write(k, Buffer.from("three"), { ttlMs: 300_000 });
      const [changed] = await driver.describe([k]);
      expect(changed.ttlMs).toBeGreaterThan(200_000);

      if (caps.persist) {
        await driver.write(k, Buffer.from("four"), { ttlMs: null });
        const [removed] = await driver.describe([k]);
        expect(removed.ttlMs).toBeNull();
      }
    });
  });
}
