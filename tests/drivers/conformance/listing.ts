/** Listing keys (`capabilities.listKeys`): prefixes, patterns, pages, cancellation, and keys made of glob syntax. */
import { beforeAll, describe, expect, it } from "vitest";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { type ConformanceTarget, BINARY_KEY_TAIL, expectCode, unique, key, scanAll, type Suite } from "./helpers";

export function listingGroup(suite: Suite): void {
  describe("listing", () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ target, driver, caps } = suite);
    });

    it("lists, describes and deletes a binary key", async (ctx) => {
      if (!caps.listKeys) ctx.skip("needs capabilities.listKeys");
      const ns = unique("binlist");
      const k = key(ns, BINARY_KEY_TAIL);
      await target.rawSet(k, Buffer.from("v"));
      const listed = await scanAll(driver, { prefix: Buffer.from(ns) });
      expect(listed.map((b) => b.toString("hex"))).toEqual([k.toString("hex")]);

      const [meta] = await driver.describe([k]);
      expect(meta.exists).toBe(true);
      expect(meta.key.equals(k)).toBe(true);
      expect(meta.type).toBe("string");
      expect(meta.ttlMs).toBeNull();

      expect(await driver.delete([k])).toBe(1);
      expect(await target.rawGet(k)).toBeNull();
      await expectCode(driver.read(k), "NOT_FOUND");
      expect(await driver.delete([k])).toBe(0);
    });

    it("scans every key under a prefix exactly once, across pages", async (ctx) => {
      if (!caps.listKeys) ctx.skip("needs capabilities.listKeys");
      const ns = unique("scan");
      const keys = Array.from({ length: 120 }, (_, i) => key(ns, `item:${i}`));
      await Promise.all(keys.map((k) => target.rawSet(k, Buffer.from("v"))));
      const listed = await scanAll(driver, { prefix: Buffer.from(ns), count: 25 });
      const seen = new Set(listed.map((b) => b.toString("hex")));
      expect(listed.length).toBe(120);
      expect(seen).toEqual(new Set(keys.map((b) => b.toString("hex"))));

      const matched = await scanAll(driver, { prefix: Buffer.from(ns), match: Buffer.from("*:1?") });
      expect(matched.map((b) => b.toString()).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `${ns}item:1${i}`).sort(),
      );
    });

    it("measures memory per key in one call where the driver can (memoryUsage), null for a missing key", async (ctx) => {
      if (!driver.memoryUsage) ctx.skip("needs driver.memoryUsage");
      const ns = unique("mem");
      const small = key(ns, "small");
      const big = key(ns, "big");
      await target.rawSet(small, Buffer.from("v"));
      await target.rawSet(big, Buffer.alloc(20_000, 7));
      const [smallBytes, bigBytes, missing] = await driver.memoryUsage!([small, big, key(ns, "missing")]);
      expect(smallBytes).toBeGreaterThan(0);
      expect(bigBytes).toBeGreaterThan(20_000);
      expect(missing).toBeNull();
      expect(await driver.memoryUsage!([])).toEqual([]);
    });

    it("rejects a scan whose signal is already aborted with CANCELLED", async (ctx) => {
      if (!caps.listKeys) ctx.skip("needs capabilities.listKeys");
      const controller = new AbortController();
      controller.abort();
      await expectCode(driver.scan({ signal: controller.signal }), "CANCELLED");
    });

    describe("glob characters in keys, prefixes and patterns", () => {
      // Keys whose bytes are glob syntax: a prefix matches them literally, a pattern only where it escapes them.
      const tails = ["*", "*star", "?q", "[br]", "b", "\\", "back\\slash", "backXslash", "plain"];
      let ns: string;

      // Seeded only where keys can be listed; without listing, each test below skips itself.
      beforeAll(async () => {
        if (caps.listKeys) {
          ns = unique("globkeys");
          await Promise.all(tails.map((tail) => target.rawSet(key(ns, tail), Buffer.from("v"))));
        }
      });

      const tailsOf = (keys: Buffer[]) => keys.map((k) => k.subarray(Buffer.byteLength(ns)).toString()).sort();

      it("takes a prefix that is itself a glob character literally", async (ctx) => {
        if (!caps.listKeys) ctx.skip("needs capabilities.listKeys");
        const expected: Record<string, string[]> = {
          "*": ["*", "*star"],
          "?": ["?q"],
          "[": ["[br]"],
          "\\": ["\\"],
          "[b": ["[br]"],
          "[x": [],
        };
        for (const [prefix, tailsExpected] of Object.entries(expected)) {
          const listed = await scanAll(driver, { prefix: key(ns, prefix) });
          expect(tailsOf(listed), `prefix ${JSON.stringify(prefix)}`).toEqual([...tailsExpected].sort());
        }
      });

      it("matches escaped glob characters literally and unescaped ones as syntax", async (ctx) => {
        if (!caps.listKeys) ctx.skip("needs capabilities.listKeys");
        const expected: Record<string, string[]> = {
          "*\\**": ["*", "*star"],
          "*\\?*": ["?q"],
          "*\\[br\\]": ["[br]"],
          "*[br]": ["*star", "b"],
          "*\\\\*": ["\\", "back\\slash"],
          "*back?slash": ["back\\slash", "backXslash"],
          "*:?": ["*", "\\", "b"],
        };
        for (const [pattern, tailsExpected] of Object.entries(expected)) {
          const listed = await scanAll(driver, { prefix: Buffer.from(ns), match: Buffer.from(pattern) });
          expect(tailsOf(listed), `pattern ${JSON.stringify(pattern)}`).toEqual([...tailsExpected].sort());
        }
      });

      it("applies a glob-character prefix and a pattern together", async (ctx) => {
        if (!caps.listKeys) ctx.skip("needs capabilities.listKeys");
        expect(tailsOf(await scanAll(driver, { prefix: key(ns, "*"), match: Buffer.from("*r") }))).toEqual(["*star"]);
        expect(tailsOf(await scanAll(driver, { prefix: key(ns, "\\"), match: Buffer.from("*\\\\") }))).toEqual(["\\"]);
        expect(await scanAll(driver, { prefix: key(ns, "["), match: Buffer.from("*b") })).toEqual([]);
      });
    });
  });
}
