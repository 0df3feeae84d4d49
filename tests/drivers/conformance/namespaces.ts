/** Namespace operations on an exact prefix (`capabilities.listKeys`, `.namespaceExpire`, `.namespaceDelete`). */
import { beforeAll, describe, expect, it } from "vitest";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { type ConformanceTarget, unique, type Suite } from "./helpers";

export function namespacesGroup(suite: Suite): void {
  describe("namespace operations on an exact prefix", () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ target, driver, caps } = suite);
    });

    // Glob characters, a backslash and a non-UTF-8 byte in the prefix must all match literally.
    const tricky = Buffer.concat([Buffer.from("LIT*[a]?\\"), Buffer.from([0xff]), Buffer.from(":")]);
    let ns: string;
    let inside: Buffer[];
    let outside: Buffer[];

    const prefixOf = () => Buffer.concat([Buffer.from(ns), tricky]);

    async function seed(count: number) {
      ns = unique("prefix");
      const prefix = prefixOf();
      inside = Array.from({ length: count }, (_, i) => Buffer.concat([prefix, Buffer.from(`k${i}`)]));
      // Siblings that a naive `prefix*` or unescaped pattern would also hit.
      const sibling = Buffer.concat([Buffer.from(ns), Buffer.from("LIT*[a]?\\"), Buffer.from([0xff]), Buffer.from("X:k")]);
      outside = [
        sibling,
        Buffer.concat([Buffer.from(ns), Buffer.from("LITx[a]?\\"), Buffer.from([0xff]), Buffer.from(":k")]),
        Buffer.concat([Buffer.from(ns), Buffer.from("LIT*a?\\"), Buffer.from([0xff]), Buffer.from(":k")]),
        Buffer.from(`${ns}LITESTARX:k`),
      ];
      await Promise.all([...inside, ...outside].map((k) => target.rawSet(k, Buffer.from("v"))));
    }

    it("counts only keys under the prefix", async (ctx) => {
      if (!caps.listKeys) ctx.skip("needs capabilities.listKeys");
      await seed(30);
      const progress: number[] = [];
      const result = await driver.countPrefix(prefixOf(), { onProgress: (p) => progress.push(p.matched) });
      expect(result).toEqual({ matched: 30, affected: 0, cancelled: false });
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.at(-1)).toBe(30);
    });

    it("expires only keys under the prefix", async (ctx) => {
      if (!caps.namespaceExpire) ctx.skip("needs capabilities.namespaceExpire");
      await seed(30);
      const result = await driver.expirePrefix(prefixOf(), 90_000);
      expect(result).toMatchObject({ matched: 30, affected: 30, cancelled: false });
      const metas = await driver.describe([...inside, ...outside]);
      for (const m of metas.slice(0, 30)) expect(m.ttlMs).toBeGreaterThan(80_000);
      for (const m of metas.slice(30)) expect(m.ttlMs).toBeNull();
      if (caps.persist) {
        const removed = await driver.expirePrefix(prefixOf(), null);
        expect(removed.affected).toBe(30);
        const after = await driver.describe(inside);
        for (const m of after) expect(m.ttlMs).toBeNull();
      }
    });

    it("deletes only keys under the prefix, reporting progress", async (ctx) => {
      if (!caps.namespaceDelete) ctx.skip("needs capabilities.namespaceDelete");
      await seed(250);
      const progress: { scanned: number; matched: number; affected: number }[] = [];
      const result = await driver.deletePrefix(prefixOf(), { batchSize: 50, onProgress: (p) => progress.push(p) });
      expect(result).toEqual({ matched: 250, affected: 250, cancelled: false });
      expect(progress.length).toBeGreaterThan(1);
      for (let i = 1; i < progress.length; i++) expect(progress[i].affected).toBeGreaterThanOrEqual(progress[i - 1].affected);
      for (const k of inside.slice(0, 5)) expect(await target.rawGet(k)).toBeNull();
      for (const k of outside) expect((await target.rawGet(k))?.toString()).toBe("v");
      const left = await driver.countPrefix(Buffer.from(ns));
      expect(left.matched).toBe(outside.length);
    });

    it("stops a namespace delete when its signal is aborted", async (ctx) => {
      if (!caps.namespaceDelete) ctx.skip("needs capabilities.namespaceDelete");
      await seed(400);
      const controller = new AbortController();
      const result = await driver.deletePrefix(prefixOf(), {
        batchSize: 20,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.affected > 0) controller.abort();
        },
      });
      expect(result.cancelled).toBe(true);
      expect(result.affected).toBeGreaterThan(0);
      expect(result.affected).toBeLessThan(400);
      const left = await driver.countPrefix(prefixOf());
      expect(left.matched).toBe(400 - result.affected);
    });
  });
}
