/** String values: compare-and-set digests, values above the digest limit, prefix and range reads. */
import { beforeAll, describe, expect, it } from "vitest";
import { ABSENT_DIGEST, DIGEST_MAX_BYTES, SAMPLE_BYTES, stringDigest, valueDigest } from "@/lib/drivers/digest";
import type { Capabilities, Driver } from "@/lib/drivers/types";
import { type ConformanceTarget, BINARY_KEY_TAIL, expectCode, unique, key, asString, payload, maxValue, type Suite } from "./helpers";

export function stringsGroup(suite: Suite): void {
  describe("string values", () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(() => {
      ({ target, driver, caps } = suite);
    });

    it("refuses a write with CONFLICT when the value changed since it was read, overwriting nothing", async () => {
      const k = key(unique("cas"), BINARY_KEY_TAIL);
      await driver.write(k, Buffer.from("loaded"));
      const loaded = asString(await driver.read(k));
      await target.rawSet(k, Buffer.from("changed elsewhere"));
      await expectCode(driver.write(k, Buffer.from("mine"), { expect: loaded.digest }), "CONFLICT");
      expect((await target.rawGet(k))?.toString()).toBe("changed elsewhere");

      const fresh = asString(await driver.read(k));
      const { digest } = await driver.write(k, Buffer.from("mine"), { expect: fresh.digest });
      expect(digest).toBe(valueDigest(Buffer.from("mine")));
      expect((await target.rawGet(k))?.toString()).toBe("mine");

      await expectCode(driver.write(k, Buffer.from("x"), { expect: ABSENT_DIGEST }), "CONFLICT");
      const absent = key(unique("cas"), "absent");
      await driver.write(absent, Buffer.from("new"), { expect: ABSENT_DIGEST });
      expect((await target.rawGet(absent))?.toString()).toBe("new");
    });

    it("checks the expected digest of a large value", async () => {
      const k = key(unique("caslarge"), "big");
      const big = payload(maxValue(caps, 2 * 1024 * 1024));
      await target.rawSet(k, big);
      const read = asString(await driver.read(k));
      // Above the digest limit a range-reading driver identifies the value by samples (`stringDigest`).
      expect(read.digest).toBe(caps.rangeRead ? stringDigest(big) : valueDigest(big));
      const edited = Buffer.from(big);
      edited[0] ^= 1;
      await driver.write(k, edited, { expect: read.digest });
      await expectCode(driver.write(k, big, { expect: read.digest }), "CONFLICT");
    });

    it("pages a value above the digest limit and refuses a stale write whichever end changed", async ({ skip }) => {
      if (!caps.rangeRead || maxValue(caps, 2 * DIGEST_MAX_BYTES) <= DIGEST_MAX_BYTES) skip("only range-reading backends page values above the digest limit");
      const k = key(unique("sampled"), "big");
      const big = payload(2 * DIGEST_MAX_BYTES);
      await target.rawSet(k, big, 600_000);
      const middle = asString(await driver.read(k, { offset: DIGEST_MAX_BYTES, limit: 1000 }));
      expect(middle.value.equals(big.subarray(DIGEST_MAX_BYTES, DIGEST_MAX_BYTES + 1000))).toBe(true);
      expect(middle.total).toBe(big.length);
      expect(middle.digest).toBe(stringDigest(big));
      expect(asString(await driver.read(k)).digest).toBe(middle.digest);

      for (const at of [0, big.length - 1]) {
        const changed = Buffer.from(big);
        changed[at] ^= 0xff;
        await target.rawSet(k, changed, 600_000);
        await expectCode(driver.write(k, Buffer.from("mine"), { expect: middle.digest }), "CONFLICT");
        expect((await target.rawGet(k))?.equals(changed)).toBe(true);
      }
      await target.rawSet(k, Buffer.concat([big, Buffer.from("!")]), 600_000);
      await expectCode(driver.write(k, Buffer.from("mine"), { expect: middle.digest }), "CONFLICT");

      const fresh = asString(await driver.read(k, { offset: 5, limit: SAMPLE_BYTES }));
      const replaced = payload(DIGEST_MAX_BYTES + 10);
      const { digest } = await driver.write(k, replaced, { expect: fresh.digest });
      expect(digest).toBe(stringDigest(replaced));
      expect((await target.rawGet(k))?.equals(replaced)).toBe(true);
      const [meta] = await driver.describe([k]);
      if (caps.ttl) expect(meta.ttlMs).toBeGreaterThan(500_000);

      // A small value's digest never matches a large stored value (and is not checked by hashing it).
      await expectCode(driver.write(k, Buffer.from("x"), { expect: valueDigest(Buffer.from("small")) }), "CONFLICT");
    });

    it("describes keys with the first bytes of each string value, no more", async ({ skip }) => {
      if (!driver.describeHeads) skip("this backend has no prefix read; the key list reads the value instead");
      const ns = unique("heads");
      const long = key(ns, "long");
      const short = key(ns, "short");
      const missing = key(ns, "missing");
      await target.rawSet(long, payload(5000));
      await target.rawSet(short, Buffer.from("ab"));
      const heads = await driver.describeHeads!([long, short, missing], 1024);
      expect(heads.map((h) => h.key.toString())).toEqual([long, short, missing].map(String));
      expect(heads[0].head?.equals(payload(5000).subarray(0, 1024))).toBe(true);
      expect(heads[0].size).toBe(5000);
      expect(heads[0].type).toBe("string");
      expect(heads[1].head?.toString()).toBe("ab");
      expect(heads[2]).toMatchObject({ exists: false, head: null });
      if (driver.collections) {
        const hash = key(ns, "hash");
        await driver.collections.create(hash, { type: "hash", entries: [{ field: Buffer.from("f"), value: Buffer.from("v") }] });
        const [described] = await driver.describeHeads!([hash], 1024);
        expect(described).toMatchObject({ exists: true, type: "hash", head: null, length: 1 });
      }
    });

    it("reads a page of any type with `bytes` sizing strings and `limit` collections", async () => {
      const k = key(unique("bytes"), "v");
      await target.rawSet(k, payload(3000));
      const page = asString(await driver.read(k, { bytes: 100, limit: 5 }));
      expect(page.value.equals(payload(3000).subarray(0, caps.rangeRead ? 100 : page.value.length))).toBe(true);
      expect(page.value.length).toBe(100);
      if (driver.collections) {
        const list = key(unique("bytes"), "list");
        await driver.collections.create(list, { type: "list", items: ["a", "b", "c", "d", "e", "f"].map((x) => Buffer.from(x)) });
        const items = await driver.read(list, { bytes: 100, limit: 5 });
        expect(items.type === "list" && items.items.map(String)).toEqual(["a", "b", "c", "d", "e"]);
      }
    });

    it("reads a large value's length and digest from its first page", async () => {
      const k = key(unique("range"), "big");
      const big = payload(maxValue(caps, 1024 * 1024));
      await target.rawSet(k, big);
      const first = asString(await driver.read(k));
      expect(first.total).toBe(big.length);
      expect(first.offset).toBe(0);
      expect(first.digest).toBe(valueDigest(big));
    });

    it("reads a large value in ranges", async (ctx) => {
      if (!caps.rangeRead) ctx.skip("needs capabilities.rangeRead");
      const k = key(unique("range"), "big");
      const big = payload(maxValue(caps, 1024 * 1024));
      await target.rawSet(k, big);
      const first = asString(await driver.read(k));
      expect(first.value.length).toBe(Math.min(65536, big.length));
      expect(first.value.equals(big.subarray(0, first.value.length))).toBe(true);
      const offset = Math.floor(big.length / 3);
      const middle = asString(await driver.read(k, { offset, limit: 1000 }));
      expect(middle.offset).toBe(offset);
      expect(middle.value.equals(big.subarray(offset, offset + 1000))).toBe(true);
      const tail = asString(await driver.read(k, { offset: big.length - 10, limit: 1000 }));
      expect(tail.value.equals(big.subarray(big.length - 10))).toBe(true);
      const past = asString(await driver.read(k, { offset: big.length + 5, limit: 10 }));
      expect(past.value.length).toBe(0);
    });
  });
}
