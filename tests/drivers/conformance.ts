/**
 * The one conformance suite every driver runs against a real server. It branches only on
 * `driver.capabilities`, never on the kind, so memcached and uWSGI run the same file as Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ABSENT_DIGEST, DIGEST_MAX_BYTES, SAMPLE_BYTES, stringDigest, valueDigest } from "@/lib/drivers/digest";
import { type DriverErrorCode, type StoredVersion, DriverError, isConflictError, isDriverError } from "@/lib/drivers/errors";
import type { Capabilities, Driver, KeyMeta, ReadResult, StringRead } from "@/lib/drivers/types";

export interface ConformanceTarget {
  driver: Driver;
  /** Writes a string value behind the driver's back (another client, another app). */
  rawSet(key: Buffer, value: Buffer, ttlMs?: number): Promise<void>;
  /** Reads a value behind the driver's back; null when the key does not exist. */
  rawGet(key: Buffer): Promise<Buffer | null>;
  /** A second driver on the same server with another timeout (for the pause test). */
  connect(options: { timeoutMs: number }): Driver;
  /** A driver pointed at a port nothing listens on. */
  connectClosedPort(options: { timeoutMs: number }): Driver;
  /** SIGSTOP / SIGCONT the server process (every process of a multi-node server). */
  pause?(): void;
  resume?(): void;
  /** Stops the servers and removes their files; runs even when tests failed. */
  teardown(): Promise<void>;
}

export interface ConformanceOptions {
  /** Timeout of the driver the pause test creates. */
  pauseTimeoutMs?: number;
}

const BINARY_KEY_TAIL = Buffer.from([0xff, 0xfe, 0x00, 0x61, 0x62, 0x63]);
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

export async function expectCode(promise: Promise<unknown>, code: DriverErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a DriverError ${code}`).toBeDefined();
  if (!isDriverError(caught)) throw caught;
  expect(caught.code, caught.message).toBe(code);
}

/** The stored version a refused collection edit carries. */
async function conflictOf(promise: Promise<unknown>): Promise<StoredVersion> {
  await expectCode(promise, "CONFLICT");
  const caught = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!isConflictError(caught)) throw new Error("CONFLICT without the stored version");
  return caught.stored;
}

function unique(label: string): string {
  return `cbtest:${label}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}:`;
}

function key(ns: string, tail: string | Buffer): Buffer {
  return Buffer.concat([Buffer.from(ns), typeof tail === "string" ? Buffer.from(tail) : tail]);
}

async function scanAll(driver: Driver, request: { prefix?: Buffer; match?: Buffer; count?: number }): Promise<Buffer[]> {
  const keys: Buffer[] = [];
  let cursor = "";
  for (let pages = 0; pages < 1_000_000; pages++) {
    const page = await driver.scan({ ...request, cursor });
    keys.push(...page.keys);
    if (page.done) return keys;
    cursor = page.cursor;
  }
  throw new Error("scan never finished");
}

function asString(result: ReadResult): StringRead {
  expect(result.type).toBe("string");
  return result as StringRead;
}

/** Pattern-aware payload of `length` bytes, so a wrong range is visible in the diff. */
function payload(length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

export function runDriverConformance(
  name: string,
  setup: () => Promise<ConformanceTarget>,
  options: ConformanceOptions = {},
): void {
  describe(`driver conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let driver: Driver;
    let caps: Capabilities;

    beforeAll(async () => {
      target = await setup();
      driver = target.driver;
      caps = driver.capabilities;
    });

    afterAll(async () => {
      await driver?.dispose();
      await target?.teardown();
    });

    /** The largest string value this backend stores, capped for test speed. */
    const maxValue = (wanted: number) => Math.min(wanted, caps.maxValueBytes ?? wanted);

    it("pings and reports a version", async () => {
      const result = await driver.ping();
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.latencyMs).toBeLessThan(5000);
    });

    it("refuses what its capabilities say it cannot do with UNSUPPORTED, changing nothing", async (ctx) => {
      const ns = unique("unsupported");
      const k = key(ns, "k");
      await driver.write(k, Buffer.from("7"));
      const refusals: [keyof Capabilities, () => Promise<unknown>][] = [
        ["listKeys", () => driver.scan({ prefix: Buffer.from(ns) })],
        ["ttl", () => driver.expire(k, 60_000)],
        ["persist", () => driver.persist(k)],
        ["counters", () => driver.increment(k, 1)],
        ["rename", () => driver.rename(k, key(ns, "renamed"))],
        ["namespaceDelete", () => driver.deletePrefix(Buffer.from(ns))],
        ["namespaceExpire", () => driver.expirePrefix(Buffer.from(ns), 60_000)],
        ["dumpRestore", async () => (driver.dump ? driver.dump(k) : Promise.reject(new DriverError("UNSUPPORTED", "no dump method")))],
        ["flush", async () => (driver.flush ? driver.flush() : Promise.reject(new DriverError("UNSUPPORTED", "no flush method")))],
      ];
      const lacking = refusals.filter(([capability]) => !caps[capability]);
      if (lacking.length === 0) ctx.skip("every capability with a refusal contract is present");
      for (const [capability, call] of lacking) {
        await expect(call(), `capabilities.${capability} is false`).rejects.toMatchObject({ code: "UNSUPPORTED" });
      }
      const read = asString(await driver.read(k));
      expect(read.value.toString()).toBe("7");
      expect(read.ttlMs).toBeNull();
      await driver.delete([k]);
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

    it("lists, describes, expires and deletes a binary key", async (ctx) => {
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

      if (caps.ttl) {
        await driver.expire(k, 60_000);
        const [withTtl] = await driver.describe([k]);
        expect(withTtl.ttlMs).toBeGreaterThan(50_000);
        expect(withTtl.ttlMs).toBeLessThanOrEqual(60_000);
        if (caps.persist) {
          await driver.persist(k);
          const [persisted] = await driver.describe([k]);
          expect(persisted.ttlMs).toBeNull();
        }
      }

      expect(await driver.delete([k])).toBe(1);
      expect(await target.rawGet(k)).toBeNull();
      await expectCode(driver.read(k), "NOT_FOUND");
      expect(await driver.delete([k])).toBe(0);
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
      const big = payload(maxValue(2 * 1024 * 1024));
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
      if (!caps.rangeRead || maxValue(2 * DIGEST_MAX_BYTES) <= DIGEST_MAX_BYTES) skip("only range-reading backends page values above the digest limit");
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

    it("reads a large value in ranges", async (ctx) => {
      const k = key(unique("range"), "big");
      const big = payload(maxValue(1024 * 1024));
      await target.rawSet(k, big);
      const first = asString(await driver.read(k));
      expect(first.total).toBe(big.length);
      expect(first.offset).toBe(0);
      expect(first.digest).toBe(valueDigest(big));
      if (!caps.rangeRead) ctx.skip("needs capabilities.rangeRead");
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

    it("rejects a scan whose signal is already aborted with CANCELLED", async (ctx) => {
      if (!caps.listKeys) ctx.skip("needs capabilities.listKeys");
      const controller = new AbortController();
      controller.abort();
      await expectCode(driver.scan({ signal: controller.signal }), "CANCELLED");
    });

    describe("namespace operations on an exact prefix", () => {
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

    describe("counters", () => {
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

    describe("collections", () => {
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

    it("reports key counts and server stats", async () => {
      const count = await driver.keyCount();
      if (count !== null) expect(count).toBeGreaterThan(0);
      const stats = await driver.stats();
      expect(stats.keyspace).toBeInstanceOf(Array);
      expect(typeof stats.detail).toBe("object");
    });

    it("answers CONNECTION_REFUSED quickly for a closed port", async () => {
      const closed = target.connectClosedPort({ timeoutMs: 2000 });
      try {
        // A refusal is answered as soon as the server says no, not after the 2 s timeout ran out.
        for (const call of [() => closed.ping(), () => closed.read(Buffer.from("k"))]) {
          const started = Date.now();
          await expectCode(call(), "CONNECTION_REFUSED");
          expect(Date.now() - started).toBeLessThan(2000);
        }
      } finally {
        await closed.dispose();
      }
    });

    it("answers TIMEOUT within the limit while the server is paused, and recovers", async (ctx) => {
      if (!target.pause || !target.resume) return ctx.skip("this target cannot pause its server");
      const limit = options.pauseTimeoutMs ?? 800;
      const short = target.connect({ timeoutMs: limit });
      const k = key(unique("pause"), "k");
      try {
        await short.write(k, Buffer.from("before"));
        target.pause();
        try {
          const started = Date.now();
          await expectCode(short.read(k), "TIMEOUT");
          // Not before the limit; no upper bound is needed: the server stays paused until this call has
          // answered, so a driver without a timeout would hang here until the test's own timeout.
          expect(Date.now() - started).toBeGreaterThanOrEqual(limit - 50);
        } finally {
          target.resume();
        }
        let recovered: ReadResult | undefined;
        const deadline = Date.now() + 10_000;
        while (!recovered && Date.now() < deadline) {
          try {
            recovered = await short.read(k);
          } catch (error) {
            if (!isDriverError(error)) throw error;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        expect(recovered && asString(recovered).value.toString()).toBe("before");
      } finally {
        await short.dispose();
      }
    });
  });
}
