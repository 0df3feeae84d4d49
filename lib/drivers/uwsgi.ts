/**
 * uWSGI cache driver: talks to a running uWSGI through its uwsgi socket (cache commands and region
 * dumps, `modifier1 = 111`) and reads cache geometry from its `--stats` server.
 *
 * Keys are always presented as `<cache name>:<key>`: every cache of the instance is a namespace, split
 * at the first `:`. uWSGI's remote protocol has no compare-and-set, no atomic increment and no TTL
 * change, so edits are `update`s (a `set` never overwrites a live key) computed from a fresh `get`: the
 * capabilities say so, and `UWSGI_COUNTER_NOTICE` is the text to show next to a counter.
 */
import { z } from "zod";
import { ABSENT_DIGEST, valueDigest } from "./digest";
import { DriverError } from "./errors";
import { scanMatcher } from "./glob";
import type {
  Capabilities,
  Driver,
  KeyMeta,
  PingResult,
  PrefixOptions,
  PrefixResult,
  ReadRequest,
  ScanPage,
  ScanRequest,
  ServerStats,
  StringRead,
  WriteOptions,
} from "./types";
import { type CacheReply, cacheCommand as rawCacheCommand, fetchStats, readItemTable as rawReadItemTable, requireCachePlugin, type TableItem, type UwsgiStats } from "./uwsgi-protocol";

/** How long a confirmed cache plugin is taken as still loaded before it is checked again. */
const PLUGIN_RECHECK_MS = 10 * 60_000;

/** Settings of a uWSGI profile (it has no secrets: the uwsgi protocol has no authentication). */
const socketAddress = z.string().regex(/^(\/.+|.+:\d{1,5})$/, "Use host:port or the absolute path of a unix socket");

export const uwsgiSettingsSchema = z.object({
  /** The uwsgi-protocol socket (`--socket`): `host:port` or a unix socket path. */
  address: socketAddress,
  /** The `--stats` server, for cache names, key and block sizes, and counters. */
  statsAddress: socketAddress.optional(),
  /** Caches to offer when there is no stats server (uWSGI's defaults: keysize 2048, blocksize 65536). */
  caches: z
    .array(
      z.object({
        name: z.string().min(1),
        keysize: z.number().int().positive().default(2048),
        blocksize: z.number().int().positive().default(65536),
      }),
    )
    .optional(),
});

export type UwsgiSettings = z.input<typeof uwsgiSettingsSchema>;

export const UWSGI_COUNTER_NOTICE =
  "uWSGI counters are changed by reading the value, computing and writing it back: this is not atomic across workers, so an increment made by the app at the same moment can be lost.";

const DEFAULT_PAGE = 500;
/** How long the unlisted rest of an item table waits for the next page (keys may change meanwhile). */
const TABLE_READ_IDLE_MS = 30_000;

/** Rests of item tables read by a page, by uwsgi address, cache and first slot: see `tableFrom`. */
const tableReads = new Map<string, { items: TableItem[]; timer: NodeJS.Timeout }>();
/** Requests in flight at once: uWSGI's listen queue is 100 by default and each request is a connection. */
const CONCURRENCY = 16;

/** `fn` over `items` with at most CONCURRENCY running, results in order. */
async function mapLimit<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}
const MAX_PAGE = 100_000;

interface CacheGeometry {
  name: string;
  keysize: number;
  blocksize: number;
}

interface ResolvedKey {
  cache: CacheGeometry;
  /** The key inside the cache, without `<cache>:`. */
  inner: Buffer;
}

function notFound(): DriverError {
  return new DriverError("NOT_FOUND", "The key does not exist (or has expired).");
}

function encodeCursor(cache: number, slot: number): string {
  return `u1.${cache}.${slot}`;
}

function decodeCursor(cursor: string): { cache: number; slot: number } {
  const match = /^u1\.(\d+)\.(\d+)$/.exec(cursor);
  if (!match) throw new DriverError("INVALID_ARGUMENT", "This listing cursor is not a uWSGI cursor.");
  return { cache: Number(match[1]), slot: Number(match[2]) };
}

/** Remaining seconds for an absolute `expires`, never 0 (which would mean "no expiry"). */
function remainingSeconds(expires: number): number {
  return expires === 0 ? 0 : Math.max(1, Math.ceil(expires - Date.now() / 1000));
}

function ttlFromExpires(expires: number): number | null {
  return expires === 0 ? null : Math.max(0, expires * 1000 - Date.now());
}

/**
 * What a uWSGI cache can do. The key and value limits depend on the caches' keysize and blocksize: a
 * driver fills them in (the largest any cache accepts) once it has read them.
 */
export const uwsgiCapabilities: Capabilities = {
  listKeys: true,
  types: false,
  ttl: true,
  persist: true,
  keepTtl: false,
  counters: true,
  floatCounters: false,
  negativeCounters: true,
  atomicCounters: false,
  namespaceDelete: true,
  namespaceExpire: true,
  cas: false,
  rename: false,
  rangeRead: false,
  dumpRestore: false,
  flush: true,
  maxKeyBytes: null,
  maxValueBytes: null,
  emptyValues: false,
};

export function createUwsgiDriver(input: UwsgiSettings, timeoutMs = 5000): Driver {
  const options = uwsgiSettingsSchema.parse(input);
  const { address } = options;
  let geometry: CacheGeometry[] | null = options.statsAddress ? null : (options.caches ?? null);
  const capabilities: Capabilities = { ...uwsgiCapabilities };

  function applyLimits(caches: CacheGeometry[]): void {
    // One limit for the whole instance: the largest any cache accepts; each cache's own is enforced on write.
    capabilities.maxKeyBytes = Math.max(0, ...caches.map((c) => Buffer.byteLength(c.name) + 1 + c.keysize)) || null;
    capabilities.maxValueBytes = Math.max(0, ...caches.map((c) => c.blocksize)) || null;
  }
  if (geometry) applyLimits(geometry);

  /*
   * Without uWSGI's cache plugin every cache request is answered by a hang-up, which reads as a miss, a
   * refused write or a dump cut short. Whenever an answer is one of those, the plugin is checked, so each
   * page says what is really wrong instead of "no such key" or "is the cache full?".
   */
  /*
   * The check is a read of a random key, which uWSGI counts as a cache miss in the statistics its operators
   * watch. So once the plugin has answered, a miss is taken as a miss for PLUGIN_RECHECK_MS before asking
   * again: at most one counted miss per connection every ten minutes, instead of one per miss or per ping.
   */
  let pluginConfirmedAt = Number.NEGATIVE_INFINITY;
  async function checkPlugin(): Promise<void> {
    if (performance.now() - pluginConfirmedAt < PLUGIN_RECHECK_MS) return;
    await requireCachePlugin(address, timeoutMs);
    pluginConfirmedAt = performance.now();
  }

  async function cacheCommand(...args: Parameters<typeof rawCacheCommand>): Promise<CacheReply | null> {
    const reply = await rawCacheCommand(...args);
    if (reply === null) await checkPlugin();
    return reply;
  }

  async function readItemTable(...args: Parameters<typeof rawReadItemTable>): Promise<void> {
    try {
      await rawReadItemTable(...args);
    } catch (error) {
      if (error instanceof DriverError && error.code === "PROTOCOL_ERROR") {
        // An answer that is not the plugin's: ask again now, whatever was seen before.
        pluginConfirmedAt = Number.NEGATIVE_INFINITY;
        await checkPlugin();
      }
      throw error;
    }
  }

  async function caches(): Promise<CacheGeometry[]> {
    if (geometry) return geometry;
    if (!options.statsAddress) {
      throw new DriverError("INVALID_ARGUMENT", "Name the caches, or give the address of the uWSGI stats server (--stats).");
    }
    const stats = await fetchStats(options.statsAddress, timeoutMs);
    geometry = (stats.caches ?? []).map((c) => ({ name: c.name, keysize: c.keysize, blocksize: c.blocksize }));
    applyLimits(geometry);
    return geometry;
  }

  /** Splits `<cache>:<key>`; null when no cache of that name exists (so the key cannot exist either). */
  async function resolve(key: Buffer): Promise<ResolvedKey | null> {
    const all = await caches();
    if (capabilities.maxKeyBytes !== null && key.length > capabilities.maxKeyBytes) {
      throw new DriverError("TOO_LARGE", `The key has ${key.length} bytes; no cache of this uWSGI takes keys that long.`);
    }
    const colon = key.indexOf(0x3a);
    if (colon < 0) return null;
    const name = key.toString("utf8", 0, colon);
    const cache = all.find((c) => c.name === name && Buffer.byteLength(c.name) === colon);
    if (!cache) return null;
    const inner = key.subarray(colon + 1);
    if (inner.length > cache.keysize) {
      throw new DriverError("TOO_LARGE", `Keys of the uWSGI cache "${cache.name}" are at most ${cache.keysize} bytes (keysize); this one has ${inner.length}.`);
    }
    return { cache, inner };
  }

  async function resolveForWrite(key: Buffer): Promise<ResolvedKey> {
    const resolved = await resolve(key);
    if (!resolved) {
      const names = (await caches()).map((c) => c.name).join(", ");
      throw new DriverError("INVALID_ARGUMENT", `uWSGI keys are written as <cache>:<key>, and this uWSGI has the caches: ${names}.`);
    }
    if (resolved.inner.length === 0) throw new DriverError("INVALID_ARGUMENT", "The key inside the cache cannot be empty.");
    return resolved;
  }

  function checkValue(value: Buffer, cache: CacheGeometry): void {
    if (value.length === 0) throw new DriverError("INVALID_ARGUMENT", "uWSGI caches refuse empty values.");
    if (value.length > cache.blocksize) {
      throw new DriverError("TOO_LARGE", `Values of the uWSGI cache "${cache.name}" are at most ${cache.blocksize} bytes (blocksize); this one has ${value.length}.`);
    }
  }

  const get = (r: ResolvedKey): Promise<CacheReply | null> =>
    r.inner.length === 0 ? Promise.resolve(null) : cacheCommand(address, { cmd: "get", key: r.inner, cache: r.cache.name }, null, timeoutMs);

  const expiresOf = (reply: CacheReply): number => Number(reply.vars.get("expires")?.toString() ?? 0);

  async function store(cmd: "set" | "update", r: ResolvedKey, value: Buffer, seconds: number): Promise<boolean> {
    const reply = await cacheCommand(address, { cmd, key: r.inner, cache: r.cache.name, size: value.length, expires: seconds }, value, timeoutMs);
    return reply !== null;
  }

  async function update(r: ResolvedKey, value: Buffer, seconds: number): Promise<void> {
    if (!(await store("update", r, value, seconds))) {
      throw new DriverError("SERVER_ERROR", `uWSGI refused to store the value in cache "${r.cache.name}" (is it full?).`);
    }
  }

  function ttlSeconds(ttlMs: number | null): number {
    if (ttlMs === null) return 0;
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new DriverError("INVALID_ARGUMENT", "The TTL must be a positive number of milliseconds.");
    return Math.ceil(ttlMs / 1000);
  }

  async function write(key: Buffer, value: Buffer, writeOptions: WriteOptions = {}): Promise<{ digest: string }> {
    const r = await resolveForWrite(key);
    checkValue(value, r.cache);
    const digest = valueDigest(value);
    if (writeOptions.ifAbsent || writeOptions.expect === ABSENT_DIGEST) {
      if (await store("set", r, value, ttlSeconds(writeOptions.ttlMs ?? null))) return { digest };
      const exists = await cacheCommand(address, { cmd: "exists", key: r.inner, cache: r.cache.name }, null, timeoutMs);
      if (!exists) throw new DriverError("SERVER_ERROR", `uWSGI refused to store the value in cache "${r.cache.name}" (is it full?).`);
      if (writeOptions.ifAbsent) throw new DriverError("ALREADY_EXISTS", "The key already exists.");
      throw new DriverError("CONFLICT", "The key was created by someone else since it was loaded.");
    }
    let seconds = writeOptions.ttlMs === undefined ? 0 : ttlSeconds(writeOptions.ttlMs);
    if (writeOptions.expect !== undefined || writeOptions.ttlMs === undefined) {
      const current = await get(r);
      if (writeOptions.expect !== undefined) {
        // Not atomic (uWSGI has no compare-and-set): the check narrows the window, it cannot close it.
        if (!current) throw new DriverError("CONFLICT", "The key was deleted since it was loaded.");
        if (valueDigest(current.value) !== writeOptions.expect) {
          throw new DriverError("CONFLICT", "The value changed since it was loaded; nothing was overwritten.");
        }
      }
      if (writeOptions.ttlMs === undefined && current) seconds = remainingSeconds(expiresOf(current));
    }
    await update(r, value, seconds);
    return { digest };
  }

  async function describeOne(key: Buffer): Promise<KeyMeta> {
    const r = await resolve(key);
    const reply = r ? await get(r) : null;
    if (!reply) return { key, exists: false, type: "unknown", ttlMs: null, size: null, length: null };
    return { key, exists: true, type: "string", ttlMs: ttlFromExpires(expiresOf(reply)), size: reply.value.length, length: null };
  }

  async function read(key: Buffer, request: ReadRequest = {}): Promise<StringRead> {
    const r = await resolve(key);
    const reply = r ? await get(r) : null;
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
    const r = await resolve(key);
    const current = r ? await get(r) : null;
    if (!r || !current) throw notFound();
    await update(r, current.value, seconds);
  }

  async function increment(key: Buffer, delta: number): Promise<string> {
    if (!Number.isSafeInteger(delta)) throw new DriverError("INVALID_ARGUMENT", "uWSGI counters are 64-bit integers: the step must be a whole number.");
    const r = await resolve(key);
    const current = r ? await get(r) : null;
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
    await update(r, next, remainingSeconds(expiresOf(current)));
    return result.toString();
  }

  function keyFilter(prefix?: Buffer, match?: Buffer): (key: Buffer) => boolean {
    const matches = match ? scanMatcher(match) : null;
    return (key) =>
      (!prefix || (key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix))) && (!matches || matches(key));
  }

  /** Whether any key of `cache` can start with `prefix`. */
  function cacheMayMatch(cache: CacheGeometry, prefix?: Buffer): boolean {
    if (!prefix) return true;
    const head = Buffer.from(`${cache.name}:`);
    const n = Math.min(head.length, prefix.length);
    return head.subarray(0, n).equals(prefix.subarray(0, n));
  }

  const liveItem = (expires: number, now: number) => expires === 0 || expires > now;

  /**
   * The used slots of `cache` from `slot` on. A page reads the rest of the item table in one go and
   * keeps what it did not hand out for the next page (`tableReads`): a dump can only start at slot 0, so
   * reading just one page's worth each time would cost the whole table up to the cursor, per page.
   */
  async function tableFrom(cache: CacheGeometry, slot: number): Promise<{ items: TableItem[] }> {
    const id = `${address}\0${cache.name}\0${slot}`;
    const kept = tableReads.get(id);
    if (kept) {
      clearTimeout(kept.timer);
      tableReads.delete(id);
      return kept;
    }
    const items: TableItem[] = [];
    await readItemTable(address, cache.name, cache.keysize, slot, timeoutMs, (item) => items.push(item));
    return { items };
  }

  function keepTable(cache: CacheGeometry, slot: number, items: TableItem[]): void {
    const id = `${address}\0${cache.name}\0${slot}`;
    const timer = setTimeout(() => tableReads.delete(id), TABLE_READ_IDLE_MS);
    timer.unref();
    tableReads.set(id, { items, timer });
  }

  async function scan(request: ScanRequest): Promise<ScanPage> {
    if (request.signal?.aborted) throw new DriverError("CANCELLED", "The listing was cancelled.");
    const all = await caches();
    const budget = Math.min(MAX_PAGE, Math.max(1, request.count ?? DEFAULT_PAGE));
    const accepts = keyFilter(request.prefix, request.match);
    let { cache: index, slot } = request.cursor ? decodeCursor(request.cursor) : { cache: 0, slot: 1 };
    const keys: Buffer[] = [];
    const meta: KeyMeta[] = [];
    if (request.type && request.type !== "string") return { cursor: "", done: true, keys, meta };
    let examined = 0;
    while (index < all.length && examined < budget) {
      const cache = all[index];
      if (!cacheMayMatch(cache, request.prefix)) {
        index++;
        slot = 1;
        continue;
      }
      const head = Buffer.from(`${cache.name}:`);
      const now = Date.now() / 1000;
      const rest = await tableFrom(cache, slot);
      let served = 0;
      while (served < rest.items.length && examined < budget) {
        const item = rest.items[served++];
        examined++;
        if (!liveItem(item.expires, now)) continue;
        const key = Buffer.concat([head, item.key]);
        if (accepts(key)) {
          keys.push(key);
          meta.push({ key, exists: true, type: "string", ttlMs: ttlFromExpires(item.expires), size: item.valueSize, length: null, flags: item.flags });
        }
      }
      if (served === rest.items.length) {
        index++;
        slot = 1;
      } else {
        slot = rest.items[served].slot;
        keepTable(cache, slot, rest.items.slice(served));
      }
    }
    const done = index >= all.length;
    return { cursor: done ? "" : encodeCursor(index, slot), done, keys, meta, progress: { examined, estimated: false, covered: null } };
  }

  async function walkPrefix(
    prefix: Buffer,
    prefixOptions: PrefixOptions,
    act: ((cache: CacheGeometry, inner: Buffer[]) => Promise<number>) | null,
  ): Promise<PrefixResult> {
    const batchSize = Math.max(1, prefixOptions.batchSize ?? 200);
    const progress = { scanned: 0, matched: 0, affected: 0 };
    const accepts = keyFilter(prefix);
    for (const cache of await caches()) {
      if (!cacheMayMatch(cache, prefix)) continue;
      const head = Buffer.from(`${cache.name}:`);
      // One pass over the table (a dump always starts at slot 0), keeping only the matching keys.
      const matching: Buffer[] = [];
      const now = Date.now() / 1000;
      await readItemTable(address, cache.name, cache.keysize, 1, timeoutMs, (item) => {
        progress.scanned++;
        if (liveItem(item.expires, now) && accepts(Buffer.concat([head, item.key]))) matching.push(item.key);
      });
      for (let start = 0; start < matching.length || start === 0; start += batchSize) {
        if (prefixOptions.signal?.aborted) return { matched: progress.matched, affected: progress.affected, cancelled: true };
        const batch = matching.slice(start, start + batchSize);
        progress.matched += batch.length;
        if (act && batch.length) progress.affected += await act(cache, batch);
        prefixOptions.onProgress?.({ ...progress });
      }
    }
    prefixOptions.onProgress?.({ ...progress });
    return { matched: progress.matched, affected: progress.affected, cancelled: false };
  }

  async function deleteInner(cache: CacheGeometry, inner: Buffer[]): Promise<number> {
    const replies = await mapLimit(inner, (k) => cacheCommand(address, { cmd: "del", key: k, cache: cache.name }, null, timeoutMs));
    return replies.filter(Boolean).length;
  }

  async function stats(): Promise<ServerStats> {
    const all = await caches();
    const raw: UwsgiStats | null = options.statsAddress ? await fetchStats(options.statsAddress, timeoutMs) : null;
    const cacheStats = raw?.caches ?? [];
    const sum = (pick: (c: (typeof cacheStats)[number]) => number) => (raw ? cacheStats.reduce((acc, c) => acc + pick(c), 0) : null);
    return {
      version: raw?.version ?? null,
      uptimeSeconds: null,
      memory: {
        used: null,
        peak: null,
        max: sum((c) => c.blocks * c.blocksize),
        fragmentationRatio: null,
        policy: null,
      },
      connectedClients: null,
      hits: sum((c) => c.hits),
      misses: sum((c) => c.miss),
      evictions: sum((c) => c.full),
      totalCommands: raw?.workers ? raw.workers.reduce((acc, w) => acc + (w.requests ?? 0), 0) : null,
      opsPerSec: null,
      keyspace: raw ? cacheStats.map((c) => ({ name: c.name, keys: c.items, expires: null })) : all.map((c) => ({ name: c.name, keys: 0, expires: null })),
      detail: {
        caches: raw ? cacheStats : all,
        workers: raw?.workers?.length ?? null,
        pid: raw?.pid ?? null,
        listenQueue: raw?.listen_queue ?? null,
        counterNotice: UWSGI_COUNTER_NOTICE,
      },
    };
  }

  return {
    kind: "uwsgi",
    capabilities,

    async ping(): Promise<PingResult> {
      const all = await caches();
      const started = performance.now();
      await checkPlugin();
      if (all.length) await rawCacheCommand(address, { cmd: "exists", key: "cacheboard-ping", cache: all[0].name }, null, timeoutMs);
      const version = options.statsAddress ? ((await fetchStats(options.statsAddress, timeoutMs)).version ?? null) : null;
      return { latencyMs: performance.now() - started, version };
    },

    async keyCount() {
      if (!options.statsAddress) return null;
      const raw = await fetchStats(options.statsAddress, timeoutMs);
      return (raw.caches ?? []).reduce((acc, c) => acc + c.items, 0);
    },

    scan,
    describe: (keys) => mapLimit(keys, describeOne),
    read,
    write,

    async delete(keys) {
      const deleted = await mapLimit(keys, async (key) => {
        const r = await resolve(key);
        return r !== null && r.inner.length > 0 && (await cacheCommand(address, { cmd: "del", key: r.inner, cache: r.cache.name }, null, timeoutMs)) !== null;
      });
      return deleted.filter(Boolean).length;
    },

    expire: (key, ttlMs) => setExpiry(key, ttlSeconds(ttlMs)),
    persist: (key) => setExpiry(key, 0),

    async rename() {
      throw new DriverError("UNSUPPORTED", "uWSGI caches cannot rename keys.");
    },

    increment,

    countPrefix: (prefix, prefixOptions = {}) => walkPrefix(prefix, prefixOptions, null),
    deletePrefix: (prefix, prefixOptions = {}) => walkPrefix(prefix, prefixOptions, deleteInner),
    expirePrefix(prefix, ttlMs, prefixOptions = {}) {
      const seconds = ttlSeconds(ttlMs);
      return walkPrefix(prefix, prefixOptions, async (cache, inner) => {
        const done = await mapLimit(inner, async (k) => {
          const r = { cache, inner: k };
          const current = await get(r);
          return current !== null && (await store("update", r, current.value, seconds));
        });
        return done.filter(Boolean).length;
      });
    },

    stats,

    async flush() {
      for (const cache of await caches()) {
        await cacheCommand(address, { cmd: "clear", key: "", cache: cache.name }, null, timeoutMs);
      }
    },

    async dispose() {
      // Every uWSGI request is its own connection, closed by the server: nothing stays open.
    },
  };
}
