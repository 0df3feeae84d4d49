/**
 * uWSGI cache driver: talks to a running uWSGI through its uwsgi socket (cache commands and region
 * dumps, `modifier1 = 111`) and reads cache geometry from its `--stats` server.
 *
 * Keys are always presented as `<cache name>:<key>`: every cache of the instance is a namespace, split
 * at the first `:`. uWSGI's remote protocol has no compare-and-set, no atomic increment and no TTL
 * change, so edits are `update`s (a `set` never overwrites a live key) computed from a fresh `get`: the
 * capabilities say so, and `UWSGI_COUNTER_NOTICE` is the text to show next to a counter. The instance and
 * its caches are in `server.ts`, the listing in `listing.ts`, the wire protocol in `protocol.ts`.
 */
import { ABSENT_DIGEST, valueDigest } from "../digest";
import { DriverError } from "../errors";
import { uwsgiConsole } from "./console";
import type { DriverFactory, KeyMeta, PingResult, ReadRequest, StringRead, WriteOptions } from "../types";
import { scanKeys, walkPrefix } from "./listing";
import { cacheCommand as rawCacheCommand, fetchStats } from "./protocol";
import {
  type CacheGeometry,
  expiresOf,
  mapLimit,
  notFound,
  remainingSeconds,
  ttlFromExpires,
  UwsgiServer,
} from "./server";
import type { UwsgiSettings } from "./settings";
import { readStats, uwsgiServerOps } from "./stats";

/** A driver over validated settings (`uwsgiSettingsSchema`); uWSGI has no authentication, so no secrets are read. */
export const createUwsgiDriver: DriverFactory<UwsgiSettings> = ({ settings, timeoutMs }) => {
  const server = new UwsgiServer(settings, timeoutMs);

  function checkValue(value: Buffer, cache: CacheGeometry): void {
    if (value.length === 0) throw new DriverError("INVALID_ARGUMENT", "uWSGI caches refuse empty values.");
    if (value.length > cache.blocksize) {
      throw new DriverError("TOO_LARGE", `Values of the uWSGI cache "${cache.name}" are at most ${cache.blocksize} bytes (blocksize); this one has ${value.length}.`);
    }
  }

  function ttlSeconds(ttlMs: number | null): number {
    if (ttlMs === null) return 0;
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new DriverError("INVALID_ARGUMENT", "The TTL must be a positive number of milliseconds.");
    return Math.ceil(ttlMs / 1000);
  }

  async function write(key: Buffer, value: Buffer, writeOptions: WriteOptions = {}): Promise<{ digest: string }> {
    const r = await server.resolveForWrite(key);
    checkValue(value, r.cache);
    const digest = valueDigest(value);
    if (writeOptions.ifAbsent || writeOptions.expect === ABSENT_DIGEST) {
      if (await server.store("set", r, value, ttlSeconds(writeOptions.ttlMs ?? null))) return { digest };
      const exists = await server.cacheCommand(server.address, { cmd: "exists", key: r.inner, cache: r.cache.name }, null, server.timeoutMs);
      if (!exists) throw new DriverError("SERVER_ERROR", `uWSGI refused to store the value in cache "${r.cache.name}" (is it full?).`);
      if (writeOptions.ifAbsent) throw new DriverError("ALREADY_EXISTS", "The key already exists.");
      throw new DriverError("CONFLICT", "The key was created by someone else since it was loaded.");
    }
    let seconds = writeOptions.ttlMs === undefined ? 0 : ttlSeconds(writeOptions.ttlMs);
    if (writeOptions.expect !== undefined || writeOptions.ttlMs === undefined) {
      const current = await server.get(r);
      if (writeOptions.expect !== undefined) {
        // Not atomic (uWSGI has no compare-and-set): the check narrows the window, it cannot close it.
        if (!current) throw new DriverError("CONFLICT", "The key was deleted since it was loaded.");
        if (valueDigest(current.value) !== writeOptions.expect) {
          throw new DriverError("CONFLICT", "The value changed since it was loaded; nothing was overwritten.");
        }
      }
      if (writeOptions.ttlMs === undefined && current) seconds = remainingSeconds(expiresOf(current));
    }
    await server.update(r, value, seconds);
    return { digest };
  }

  async function describeOne(key: Buffer): Promise<KeyMeta> {
    const r = await server.resolve(key);
    const reply = r ? await server.get(r) : null;
    if (!reply) return { key, exists: false, type: "unknown", ttlMs: null, size: null, length: null };
    return { key, exists: true, type: "string", ttlMs: ttlFromExpires(expiresOf(reply)), size: reply.value.length, length: null };
  }

  async function read(key: Buffer, request: ReadRequest = {}): Promise<StringRead> {
    const r = await server.resolve(key);
    const reply = r ? await server.get(r) : null;
    if (!reply) throw notFound();
    const offset = Math.max(0, request.offset ?? 0);
    const limit = Math.max(0, request.bytes ?? request.limit ?? 65536);
    return {
      type: "string",
      key,
      ttlMs: ttlFromExpires(expiresOf(reply)),
      value: reply.value.subarray(offset, offset + limit),
      offset,
      total: reply.value.length,
      digest: valueDigest(reply.value),
    };
  }

  async function setExpiry(key: Buffer, seconds: number): Promise<void> {
    const r = await server.resolve(key);
    const current = r ? await server.get(r) : null;
    if (!r || !current) throw notFound();
    await server.update(r, current.value, seconds);
  }

  async function increment(key: Buffer, delta: number): Promise<string> {
    if (!Number.isSafeInteger(delta)) throw new DriverError("INVALID_ARGUMENT", "uWSGI counters are 64-bit integers: the step must be a whole number.");
    const r = await server.resolve(key);
    const current = r ? await server.get(r) : null;
    if (!r || !current) throw notFound();
    const text = current.value.toString("latin1");
    let next: Buffer;
    let result: bigint;
    if (/^-?\d{1,19}$/.test(text)) {
      // uwsgiconf and `str(n)` writers store ASCII decimals: keep that format.
      result = BigInt(text) + BigInt(delta);
      next = Buffer.from(result.toString(), "latin1");
    } else if (current.value.length === 8) {
      result = BigInt.asIntN(64, current.value.readBigInt64LE(0) + BigInt(delta));
      next = Buffer.alloc(8);
      next.writeBigInt64LE(result);
    } else {
      throw new DriverError("WRONG_TYPE", "The value is neither a uWSGI int64 counter nor a decimal number.");
    }
    await server.update(r, next, remainingSeconds(expiresOf(current)));
    return result.toString();
  }

  async function deleteInner(cache: CacheGeometry, inner: Buffer[]): Promise<number> {
    const replies = await mapLimit(inner, (k) => server.cacheCommand(server.address, { cmd: "del", key: k, cache: cache.name }, null, server.timeoutMs));
    return replies.filter(Boolean).length;
  }

  return {
    kind: "uwsgi",
    capabilities: server.capabilities,
    server: uwsgiServerOps(server),

    async ping(): Promise<PingResult> {
      const all = await server.caches();
      const started = performance.now();
      await server.checkPlugin();
      if (all.length) await rawCacheCommand(server.address, { cmd: "exists", key: "cacheboard-ping", cache: all[0].name }, null, server.timeoutMs);
      const version = server.statsAddress ? ((await fetchStats(server.statsAddress, server.timeoutMs)).version ?? null) : null;
      return { latencyMs: performance.now() - started, version };
    },

    async keyCount() {
      if (!server.statsAddress) return null;
      const raw = await fetchStats(server.statsAddress, server.timeoutMs);
      return (raw.caches ?? []).reduce((acc, c) => acc + c.items, 0);
    },

    scan: (request) => scanKeys(server, request),
    describe: (keys) => mapLimit(keys, describeOne),
    read,
    write,

    async delete(keys) {
      const deleted = await mapLimit(keys, async (key) => {
        const r = await server.resolve(key);
        return r !== null && r.inner.length > 0 && (await server.cacheCommand(server.address, { cmd: "del", key: r.inner, cache: r.cache.name }, null, server.timeoutMs)) !== null;
      });
      return deleted.filter(Boolean).length;
    },

    expire: (key, ttlMs) => setExpiry(key, ttlSeconds(ttlMs)),
    persist: (key) => setExpiry(key, 0),

    /**
     * A fresh `get` per key, then an `update` with the same value and the new expiry. With `onlyWithoutTtl`
     * a key whose item has an expiry is left alone; uWSGI has no conditional update, so a write between the
     * `get` and the `update` (one request each) is overwritten with the value read: narrow, not closed.
     */
    async expireKeys(keys, ttlMs, options = {}) {
      const seconds = ttlSeconds(ttlMs);
      const done = await mapLimit(keys, async (key) => {
        const r = await server.resolve(key);
        const current = r ? await server.get(r) : null;
        if (!r || !current) return false;
        if (options.onlyWithoutTtl && ttlFromExpires(expiresOf(current)) !== null) return false;
        return server.store("update", r, current.value, seconds);
      });
      return done.filter(Boolean).length;
    },

    async rename() {
      throw new DriverError("UNSUPPORTED", "uWSGI caches cannot rename keys.");
    },

    increment,

    countPrefix: (prefix, prefixOptions = {}) => walkPrefix(server, prefix, prefixOptions, null),
    deletePrefix: (prefix, prefixOptions = {}) => walkPrefix(server, prefix, prefixOptions, deleteInner),
    expirePrefix(prefix, ttlMs, prefixOptions = {}) {
      const seconds = ttlSeconds(ttlMs);
      return walkPrefix(server, prefix, prefixOptions, async (cache, inner) => {
        const done = await mapLimit(inner, async (k) => {
          const r = { cache, inner: k };
          const current = await server.get(r);
          return current !== null && (await server.store("update", r, current.value, seconds));
        });
        return done.filter(Boolean).length;
      });
    },

    stats: () => readStats(server),

    console: uwsgiConsole(server),

    async flush() {
      for (const cache of await server.caches()) {
        await server.cacheCommand(server.address, { cmd: "clear", key: "", cache: cache.name }, null, server.timeoutMs);
      }
    },

    async dispose() {
      // Every uWSGI request is its own connection, closed by the server: nothing stays open.
    },
  };
};
