/** Hashes, lists, sets, sorted sets and streams (`capabilities.types`), with their compare-and-set edits. */
import { beforeAll, describe, expect, it } from "vitest";
import { ABSENT_DIGEST, valueDigest } from "@/lib/drivers/digest";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { type ConformanceTarget, BINARY_KEY_TAIL, ALL_BYTES, expectCode, conflictOf, unique, key, type Suite } from "./helpers";

export function collectionsGroup(suite: Suite): void {
  describe("collections", () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ target, driver, caps } = suite);
    });

    it("creates, pages and edits a hash", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("hash"), BINARY_KEY_TAIL);
      const entries = Array.from({ length: 250 }, (_, i) => ({ field: Buffer.from(`f${i}`), value: Buffer.from(`v${i}`) }));
      entries.push({ field: BINARY_KEY_TAIL, value: ALL_BYTES });
      await ops.create(k, { type: "hash", entries }, { ttlMs: 60_000 });
      await expectCode(ops.create(k, { type: "hash", entries }, { ifAbsent: true }), "ALREADY_EXISTS");

      const seen = new Map<string, string>();
      let cursor = "";
      for (;;) {
        const page = await driver.read(k, { cursor, limit: 50 });
        if (page.type !== "hash") throw new Error(`expected a hash, got ${page.type}`);
        expect(page.total).toBe(251);
        for (const e of page.entries) seen.set(e.field.toString("hex"), e.value.toString("hex"));
        if (page.done) break;
        cursor = page.cursor;
      }
      expect(seen.size).toBe(251);
      expect(seen.get(BINARY_KEY_TAIL.toString("hex"))).toBe(ALL_BYTES.toString("hex"));

      await ops.hashSet(k, Buffer.from("f0"), Buffer.from("changed"));
      await expectCode(ops.hashSet(k, Buffer.from("f1"), Buffer.from("x"), { ifAbsent: true }), "ALREADY_EXISTS");
      expect(await ops.hashDelete(k, [Buffer.from("f2"), Buffer.from("nope")])).toBe(1);
      const [meta] = await driver.describe([k]);
      expect(meta).toMatchObject({ type: "hash", length: 250 });
      expect(meta.ttlMs).toBeGreaterThan(50_000);
      await expectCode(driver.increment(k, 1), "WRONG_TYPE");
    });

    it("creates, pages and edits a list", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("list"), "l");
      await ops.create(k, { type: "list", items: ["a", "b", "c", "d"].map((s) => Buffer.from(s)) });
      expect(await ops.listPush(k, [Buffer.from("z")], "head")).toBe(5);
      expect(await ops.listPush(k, [ALL_BYTES], "tail")).toBe(6);
      await ops.listSet(k, 1, Buffer.from("A"));
      expect(await ops.listInsert(k, Buffer.from("c"), Buffer.from("bb"), "before")).toBe(7);
      expect(await ops.listRemove(k, Buffer.from("d"), 0)).toBe(1);
      const page = await driver.read(k, { offset: 1, limit: 3 });
      if (page.type !== "list") throw new Error(`expected a list, got ${page.type}`);
      expect(page.total).toBe(6);
      expect(page.items.map((b) => b.toString())).toEqual(["A", "b", "bb"]);
      const last = await driver.read(k, { offset: 5, limit: 10 });
      if (last.type !== "list") throw new Error("expected a list");
      expect(last.items[0].equals(ALL_BYTES)).toBe(true);
      await expectCode(ops.listSet(k, 99, Buffer.from("x")), "INVALID_ARGUMENT");
    });

    it("creates, pages and edits a set", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("set"), "s");
      await ops.create(k, { type: "set", members: Array.from({ length: 300 }, (_, i) => Buffer.from(`m${i}`)) });
      expect(await ops.setAdd(k, [Buffer.from("m0"), BINARY_KEY_TAIL])).toBe(1);
      expect(await ops.setRemove(k, [Buffer.from("m1")])).toBe(1);
      const members = new Set<string>();
      let cursor = "";
      for (;;) {
        const page = await driver.read(k, { cursor, limit: 64 });
        if (page.type !== "set") throw new Error(`expected a set, got ${page.type}`);
        expect(page.total).toBe(300);
        for (const m of page.members) members.add(m.toString("hex"));
        if (page.done) break;
        cursor = page.cursor;
      }
      expect(members.size).toBe(300);
      expect(members.has(BINARY_KEY_TAIL.toString("hex"))).toBe(true);
    });

    it("creates, pages and edits a sorted set", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("zset"), "z");
      await ops.create(k, { type: "zset", members: [{ member: Buffer.from("a"), score: 1 }, { member: Buffer.from("b"), score: 2 }] });
      expect(await ops.zsetAdd(k, [{ member: BINARY_KEY_TAIL, score: 1.5 }, { member: Buffer.from("a"), score: 3 }])).toBe(1);
      expect(await ops.zsetRemove(k, [Buffer.from("b")])).toBe(1);
      const page = await driver.read(k, { offset: 0, limit: 10 });
      if (page.type !== "zset") throw new Error(`expected a zset, got ${page.type}`);
      expect(page.total).toBe(2);
      expect(page.members.map((m) => [m.member.toString("hex"), m.score])).toEqual([
        [BINARY_KEY_TAIL.toString("hex"), 1.5],
        [Buffer.from("a").toString("hex"), 3],
      ]);
    });

    it("refuses hash edits with CONFLICT when the field changed since it was read, writing nothing", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("hashcas"), BINARY_KEY_TAIL);
      const f = Buffer.from("f");
      await ops.create(k, { type: "hash", entries: [{ field: f, value: Buffer.from("seen") }, { field: Buffer.from("g"), value: ALL_BYTES }] });
      const seen = valueDigest(Buffer.from("seen"));
      await ops.hashSet(k, f, Buffer.from("theirs"));

      const stored = await conflictOf(ops.hashSet(k, f, Buffer.from("mine"), { expect: seen }));
      expect(stored.element?.toString()).toBe("f");
      expect(stored.value?.toString()).toBe("theirs");
      await expectCode(ops.hashDelete(k, [Buffer.from("g"), f], { expect: [valueDigest(ALL_BYTES), seen] }), "CONFLICT");
      expect((await conflictOf(ops.hashSet(k, Buffer.from("g"), Buffer.from("new"), { expect: ABSENT_DIGEST }))).value?.equals(ALL_BYTES)).toBe(true);
      // A rename whose old field was changed meanwhile keeps both fields as they are.
      await expectCode(ops.hashSet(k, Buffer.from("h"), Buffer.from("mine"), { expect: ABSENT_DIGEST, replaces: { field: f, expect: seen } }), "CONFLICT");
      let page = await driver.read(k, { limit: 10 });
      if (page.type !== "hash") throw new Error(`expected a hash, got ${page.type}`);
      expect(page.entries.map((e) => `${e.field}=${e.value.toString("hex")}`).sort()).toEqual([`f=${Buffer.from("theirs").toString("hex")}`, `g=${ALL_BYTES.toString("hex")}`]);

      const theirs = valueDigest(Buffer.from("theirs"));
      await ops.hashSet(k, Buffer.from("h"), Buffer.from("renamed"), { expect: ABSENT_DIGEST, replaces: { field: f, expect: theirs } });
      await ops.hashSet(k, Buffer.from("h"), Buffer.from("edited"), { expect: valueDigest(Buffer.from("renamed")) });
      expect(await ops.hashDelete(k, [Buffer.from("g"), Buffer.from("gone")], { expect: [valueDigest(ALL_BYTES), seen] })).toBe(1);
      page = await driver.read(k, { limit: 10 });
      if (page.type !== "hash") throw new Error(`expected a hash, got ${page.type}`);
      expect(page.entries.map((e) => `${e.field}=${e.value}`)).toEqual(["h=edited"]);
    });

    it("refuses list edits at an index whose element changed since it was read", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("listcas"), "l");
      const items = (list: string[]) => list.map((s) => Buffer.from(s));
      await ops.create(k, { type: "list", items: items(["a", "b", "a", "c"]) });
      // Another session removes the head: index 0 now holds "b", not the "a" this editor saw there.
      await ops.listRemoveAt(k, 0, valueDigest(Buffer.from("a")));
      expect((await conflictOf(ops.listSet(k, 0, Buffer.from("A"), { expect: valueDigest(Buffer.from("a")) }))).value?.toString()).toBe("b");
      expect((await conflictOf(ops.listRemoveAt(k, 3, valueDigest(Buffer.from("c"))))).value ?? null).toBeNull();
      await ops.listSet(k, 0, Buffer.from("B"), { expect: valueDigest(Buffer.from("b")) });
      // The second "a" is removed by position, not the first equal element.
      await ops.listPush(k, [Buffer.from("a")], "tail");
      await ops.listRemoveAt(k, 3, valueDigest(Buffer.from("a")));
      const page = await driver.read(k, { offset: 0, limit: 10 });
      if (page.type !== "list") throw new Error(`expected a list, got ${page.type}`);
      expect(page.items.map((b) => b.toString())).toEqual(["B", "a", "c"]);
    });

    it("refuses to rename a set member another session removed", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("setcas"), "s");
      await ops.create(k, { type: "set", members: [Buffer.from("a"), Buffer.from("b")] });
      await ops.setRemove(k, [Buffer.from("a")]);
      expect(await conflictOf(ops.setAdd(k, [Buffer.from("A")], { replaces: Buffer.from("a") }))).toMatchObject({ value: null });
      expect(await ops.setAdd(k, [BINARY_KEY_TAIL], { replaces: Buffer.from("b") })).toBe(1);
      const page = await driver.read(k, { limit: 10 });
      if (page.type !== "set") throw new Error(`expected a set, got ${page.type}`);
      expect(page.members.map((m) => m.toString("hex"))).toEqual([BINARY_KEY_TAIL.toString("hex")]);
    });

    it("refuses sorted-set edits when the member's score changed since it was read", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("zsetcas"), "z");
      const a = Buffer.from("a");
      await ops.create(k, { type: "zset", members: [{ member: a, score: 1.1 }, { member: Buffer.from("b"), score: -Infinity }] });
      await ops.zsetAdd(k, [{ member: a, score: 5 }]);
      const stored = await conflictOf(ops.zsetAdd(k, [{ member: a, score: 7 }], { expect: [1.1] }));
      expect(stored).toMatchObject({ score: 5 });
      expect((await conflictOf(ops.zsetRemove(k, [a], { expect: [1.1] }))).score).toBe(5);
      expect((await conflictOf(ops.zsetAdd(k, [{ member: a, score: 2 }], { expect: [null] }))).score).toBe(5);
      await expectCode(ops.zsetAdd(k, [{ member: Buffer.from("d"), score: 9 }], { expect: [null], replaces: { member: a, expect: 1.1 } }), "CONFLICT");
      expect(await ops.zsetAdd(k, [{ member: Buffer.from("d"), score: 9 }], { expect: [null], replaces: { member: a, expect: 5 } })).toBe(1);
      expect(await ops.zsetRemove(k, [Buffer.from("b")], { expect: [-Infinity] })).toBe(1);
      const page = await driver.read(k, { offset: 0, limit: 10 });
      if (page.type !== "zset") throw new Error(`expected a zset, got ${page.type}`);
      expect(page.members.map((m) => [m.member.toString(), m.score])).toEqual([["d", 9]]);
    });

    it("creates, pages and edits a stream", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("stream"), "x");
      await ops.create(k, { type: "stream", fields: [{ field: Buffer.from("f"), value: Buffer.from("0") }] });
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) ids.push(await ops.streamAdd(k, "*", [{ field: BINARY_KEY_TAIL, value: Buffer.from(String(i)) }]));
      expect(await ops.streamDelete(k, [ids[0]])).toBe(1);
      const first = await driver.read(k, { limit: 3 });
      if (first.type !== "stream") throw new Error(`expected a stream, got ${first.type}`);
      expect(first.total).toBe(5);
      expect(first.entries).toHaveLength(3);
      expect(first.nextCursor).not.toBeNull();
      const rest = await driver.read(k, { limit: 3, cursor: first.nextCursor! });
      if (rest.type !== "stream") throw new Error("expected a stream");
      expect(rest.entries.map((e) => e.fields[0].value.toString())).toEqual(["4", "5"]);
      expect(rest.nextCursor).toBeNull();
      expect(rest.entries[0].fields[0].field.equals(BINARY_KEY_TAIL)).toBe(true);
    });

    it("reports WRONG_TYPE when a string edit hits a collection", async (ctx) => {
      const ops = driver.collections;
      if (!caps.types || !ops) return ctx.skip("needs capabilities.types");
      const k = key(unique("wrong"), "w");
      await target.rawSet(k, Buffer.from("plain"));
      await expectCode(ops.hashSet(k, Buffer.from("f"), Buffer.from("v")), "WRONG_TYPE");
    });
  });
}
