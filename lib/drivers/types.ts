/**
 * The contract between Cacheboard and a cache backend. One driver per backend kind implements it
 * (`redis/`, `memcached/`, `uwsgi/`); the UI, the server actions and the conformance suite only
 * ever talk to this interface, and branch on `capabilities`, never on the kind.
 *
 * Keys and values are bytes (`Buffer`) end to end: a driver never decodes, trims or normalises them.
 */

import type { CollectionOps, ConsoleRunner, KeyspaceListener, KeyspaceWatch } from "./operations";
import type { ServerView } from "../wire/server";
import type { CacheServerUsage } from "../wire/analysis";
import type { ServerOps } from "./server-ops";

export type DriverKind = "redis" | "redis-sentinel" | "redis-cluster" | "memcached" | "uwsgi";

export type KeyType = "string" | "hash" | "list" | "set" | "zset" | "stream" | "unknown";

export interface Capabilities {
  /** Keys can be enumerated (`scan`). */
  listKeys: boolean;
  /** Types other than plain strings exist (hash, list, set, zset, stream) and `collections` is present. */
  types: boolean;
  /** Keys can carry an expiry (`expire`). */
  ttl: boolean;
  /** An expiry can be removed, leaving the key (`persist`). */
  persist: boolean;
  /** `write` without `ttlMs` keeps the current expiry atomically (Redis `SET … KEEPTTL`). */
  keepTtl: boolean;
  /** `increment` works. */
  counters: boolean;
  /** `increment` accepts fractional deltas and fractional stored values. */
  floatCounters: boolean;
  /** A counter may go below zero (memcached's cannot). */
  negativeCounters: boolean;
  /** `increment` is one atomic server operation (uWSGI's remote one is read-compute-update). */
  atomicCounters: boolean;
  /** `deletePrefix` works. */
  namespaceDelete: boolean;
  /** `expirePrefix` works. */
  namespaceExpire: boolean;
  /**
   * `expireKeys(…, { onlyWithoutTtl })` checks "has no expiry" and sets one in a single server step (Redis
   * `PEXPIRE … NX` or a script); false where it is a check then a write with a small window between them.
   */
  atomicExpireIfNoTtl: boolean;
  /** `write({ expect })` is checked atomically on the server (compare-and-set), not read-then-write. */
  cas: boolean;
  /** `rename` works. */
  rename: boolean;
  /** Large string values are read in ranges (`read` honours offset/limit without loading the whole value). */
  rangeRead: boolean;
  /** `dump`/`restore` work (undo of any type). */
  dumpRestore: boolean;
  /** The whole database can be emptied (`flush`), behind an admin confirmation. */
  flush: boolean;
  /** Largest key in bytes, or null when the backend has no practical limit. */
  maxKeyBytes: number | null;
  /** Largest value in bytes, or null when the backend has no practical limit. */
  maxValueBytes: number | null;
  /** An empty value can be stored. */
  emptyValues: boolean;
  /** The server diagnostics `server.view` offers, in the Server tab's order. */
  serverViews: readonly ServerView[];
  /** The server has numbered databases a profile can switch between (`server.databases`, Redis SELECT). */
  databases: boolean;
}

export interface ScanRequest {
  /** Opaque cursor from the previous page; omit or "" to start. */
  cursor?: string;
  /** Glob pattern in Redis MATCH syntax (`*`, `?`, `[…]`, `\` escapes), as bytes. */
  match?: Buffer;
  /** Exact prefix: glob characters in it are matched literally. Combined with `match` by AND. */
  prefix?: Buffer;
  /** Only keys of this type (where `capabilities.types`). */
  type?: KeyType;
  /** How much work one page may do (Redis SCAN COUNT); a hint, pages may hold fewer or more keys. */
  count?: number;
  signal?: AbortSignal;
}

export interface ScanPage {
  /** Opaque cursor for the next page; meaningless once `done`. */
  cursor: string;
  /** True when the whole keyspace has been walked. A page may be empty without being the last. */
  done: boolean;
  keys: Buffer[];
  /** Metadata for `keys`, same order, when the listing yields it for free (memcached metadump). */
  meta?: KeyMeta[];
  /** How far the walk got: a filter may match nothing for a long while, and the page still moved on. */
  progress?: ScanProgress;
}

interface ScanProgress {
  /** Keys this page looked at, matching or not. */
  examined: number;
  /** `examined` is an estimate: Redis filters MATCH/TYPE on the server and does not say how many it skipped. */
  estimated: boolean;
  /** Share of the keyspace walked once this page is done (0–1), when the cursor tells; null otherwise. */
  covered: number | null;
}

export interface KeyMeta {
  key: Buffer;
  exists: boolean;
  type: KeyType;
  /** Remaining time to live in milliseconds; null when the key never expires (or does not exist). */
  ttlMs: number | null;
  /** Size of the value in bytes (strings) or the server's memory estimate (collections); null when unknown. */
  size: number | null;
  /** Element count for collections; null for strings. */
  length: number | null;
  /** Backend item flags (memcached client flags, uWSGI item flags), when the backend has them. */
  flags?: number;
  /** Bytes the item takes in the server's memory, when the listing says (memcached metadump: header, key, value). */
  memory?: number;
}

/** What an analysis asks of one key: its description, its exact memory use and the server's encoding of it. */
export interface KeyInspection extends KeyMeta {
  /** As `Driver.memoryUsage` says; null when gone or when the server would not say (an ACL). */
  memoryUsage: number | null;
  /** As `Driver.encodings` says; null when gone or when the server would not say. */
  encoding: string | null;
}

export interface KeyHead extends KeyMeta {
  /** The first bytes of a string value (at most the requested count); null for other types and missing keys. */
  head: Buffer | null;
}

export interface ReadRequest {
  /** Byte offset (strings) or element index (lists, zsets). */
  offset?: number;
  /** Bytes (strings, default 65536) or elements (collections, default 100) to return. */
  limit?: number;
  /**
   * Bytes to return when the key is a string, overriding `limit` for strings only: lets a caller that does not
   * know the key's type ask for a page of either kind in one call.
   */
  bytes?: number;
  /** Continuation cursor for hash and set pages. */
  cursor?: string;
}

interface ReadBase {
  key: Buffer;
  ttlMs: number | null;
}

export interface StringRead extends ReadBase {
  type: "string";
  /** The requested range of the value. */
  value: Buffer;
  offset: number;
  /** Length of the whole value in bytes. */
  total: number;
  /**
   * Version of the whole value; send it back as `write({ expect })`. `valueDigest` of the value up to
   * `DIGEST_MAX_BYTES`; above it a driver with range reads returns a `sampledDigest` (`stringDigest` either way).
   */
  digest: string;
  flags?: number;
}

interface HashRead extends ReadBase {
  type: "hash";
  entries: { field: Buffer; value: Buffer }[];
  cursor: string;
  done: boolean;
  total: number;
}

interface ListRead extends ReadBase {
  type: "list";
  items: Buffer[];
  offset: number;
  total: number;
}

interface SetRead extends ReadBase {
  type: "set";
  members: Buffer[];
  cursor: string;
  done: boolean;
  total: number;
}

interface ZsetRead extends ReadBase {
  type: "zset";
  members: { member: Buffer; score: number }[];
  offset: number;
  total: number;
}

interface StreamRead extends ReadBase {
  type: "stream";
  entries: { id: string; fields: { field: Buffer; value: Buffer }[] }[];
  total: number;
  /** Id to pass as `cursor` for the next page, or null at the end. */
  nextCursor: string | null;
}

export type ReadResult = StringRead | HashRead | ListRead | SetRead | ZsetRead | StreamRead;

export interface WriteOptions {
  /**
   * Expiry for the written value: a number sets it, `null` removes it, `undefined` keeps the key's current
   * expiry (atomically where `capabilities.keepTtl`).
   */
  ttlMs?: number | null;
  /** Only write when the key does not exist (the Python libraries' `add`); else `ALREADY_EXISTS`. */
  ifAbsent?: boolean;
  /**
   * `valueDigest` of the value the editor loaded. When the stored value differs the write is refused with
   * `CONFLICT` and nothing is overwritten. `ABSENT_DIGEST` expects the key not to exist.
   */
  expect?: string;
  /** Backend item flags to store (memcached client flags); default keeps the current ones. */
  flags?: number;
}

export interface PrefixOptions {
  signal?: AbortSignal;
  onProgress?: (progress: PrefixProgress) => void;
  /** Keys per batch (SCAN COUNT and pipeline size). */
  batchSize?: number;
  /** Pause in ms between two SCAN calls (the connection's scan pace); drivers that read a dump in one go ignore it. */
  pauseMs?: number;
}

interface PrefixProgress {
  /** Keys looked at so far. */
  scanned: number;
  /** Keys that matched the prefix so far. */
  matched: number;
  /** Keys acted on so far (deleted, expired). */
  affected: number;
  /** The walk asks for fewer keys per call, its server being busy (lib/connections/server-load.ts). */
  gentle?: boolean;
}

export interface PrefixResult {
  matched: number;
  affected: number;
  /** True when the signal stopped the walk: `affected` keys were changed before it did. */
  cancelled: boolean;
}

export interface ServerStats {
  version: string | null;
  uptimeSeconds: number | null;
  memory: {
    used: number | null;
    peak: number | null;
    max: number | null;
    fragmentationRatio: number | null;
    policy: string | null;
  };
  connectedClients: number | null;
  hits: number | null;
  misses: number | null;
  evictions: number | null;
  /** Total commands processed, for an ops/s rate between two polls. */
  totalCommands: number | null;
  opsPerSec: number | null;
  /** Keys (Redis: per db; memcached: curr_items; uWSGI: per cache). */
  keyspace: { name: string; keys: number; expires: number | null }[];
  /** Backend-specific detail: memcached slabs, uWSGI cache geometry, cluster nodes. */
  detail: Record<string, unknown>;
  /** Per slab class or per cache usage, where the backend keeps its memory that way (memcached, uWSGI). */
  usage?: CacheServerUsage;
}

export interface PingResult {
  latencyMs: number;
  version: string | null;
}

export interface Driver {
  readonly kind: DriverKind;
  readonly capabilities: Capabilities;

  ping(): Promise<PingResult>;
  /** Number of keys in the database (DBSIZE, curr_items, items), for progress bars; null when unknown. */
  keyCount(): Promise<number | null>;

  scan(request: ScanRequest): Promise<ScanPage>;
  /** Type, TTL, size and element count for the given keys, in one round trip. */
  describe(keys: Buffer[]): Promise<KeyMeta[]>;
  /**
   * `describe` plus the first `headBytes` of every string value, in one round trip, reading no more than
   * that prefix of any value. Absent where the backend cannot read a prefix cheaper than the whole value.
   */
  describeHeads?(keys: Buffer[], headBytes: number): Promise<KeyHead[]>;
  /**
   * What each key costs the server in memory (Redis `MEMORY USAGE … SAMPLES 0`: exact, every element of a
   * collection counted), in one round trip; null for a key that is gone. Absent where the backend cannot say,
   * and callers then take `KeyMeta.size`.
   */
  memoryUsage?(keys: Buffer[]): Promise<(number | null)[]>;
  /**
   * The server's internal encoding of each key (Redis `OBJECT ENCODING`: listpack, hashtable, int, embstr…),
   * in one round trip; null for a key that is gone. Absent where the backend has no such notion.
   */
  encodings?(keys: Buffer[]): Promise<(string | null)[]>;
  /**
   * `describe`, `memoryUsage` and `encodings` together, in one round trip, for an analysis: on a Redis that
   * runs scripts one command per few dozen keys instead of three per key, which is most of an analysis's
   * cost in this process. A refused memory or encoding probe leaves that figure null, never fails the keys.
   */
  inspect?(keys: Buffer[]): Promise<KeyInspection[]>;
  /** Throws `NOT_FOUND` when the key does not exist. */
  read(key: Buffer, request?: ReadRequest): Promise<ReadResult>;
  /** Writes a string value. Returns the digest of what is now stored. */
  write(key: Buffer, value: Buffer, options?: WriteOptions): Promise<{ digest: string }>;
  /** Returns how many of the keys existed. */
  delete(keys: Buffer[]): Promise<number>;
  /** Throws `NOT_FOUND` when the key does not exist. */
  expire(key: Buffer, ttlMs: number): Promise<void>;
  /** Throws `NOT_FOUND` when the key does not exist. */
  persist(key: Buffer): Promise<void>;
  /** Throws `NOT_FOUND`, or `ALREADY_EXISTS` with `ifAbsent` when `newKey` exists. */
  rename(key: Buffer, newKey: Buffer, options?: { ifAbsent?: boolean }): Promise<void>;
  /**
   * Adds `delta` to a numeric value and returns the new value as the backend prints it (decimal
   * string, exact for big integers). `WRONG_TYPE` when the value is not a number.
   */
  increment(key: Buffer, delta: number): Promise<string>;

  /**
   * Sets (`ttlMs`) or removes (null) the expiry of each existing key; with `onlyWithoutTtl`, only keys that
   * have no expiry get one and the others keep theirs. Returns how many keys changed.
   */
  expireKeys(keys: Buffer[], ttlMs: number | null, options?: { onlyWithoutTtl?: boolean }): Promise<number>;

  countPrefix(prefix: Buffer, options?: PrefixOptions): Promise<PrefixResult>;
  deletePrefix(prefix: Buffer, options?: PrefixOptions): Promise<PrefixResult>;
  /** `ttlMs` null removes the expiry of every key under the prefix. */
  expirePrefix(prefix: Buffer, ttlMs: number | null, options?: PrefixOptions): Promise<PrefixResult>;

  stats(): Promise<ServerStats>;
  /**
   * CPU seconds the server's command thread has used since it started, per node address (every primary of a
   * cluster), for walks that slow down while the server is busy (lib/connections/server-load.ts). Absent
   * where the backend does not say; a node that does not say is left out.
   */
  serverCpuSeconds?(): Promise<Record<string, number>>;

  /** Present when `capabilities.types`. */
  readonly collections?: CollectionOps;
  /** Present when `capabilities.serverViews` is not empty. */
  readonly server?: ServerOps;
  /** Serialized value and TTL for undo, or null when the key does not exist (`capabilities.dumpRestore`). */
  dump?(key: Buffer): Promise<{ payload: Buffer; ttlMs: number | null } | null>;
  restore?(key: Buffer, payload: Buffer, options: { ttlMs: number | null; replace: boolean }): Promise<void>;
  /** Empties the current database (`capabilities.flush`). Only behind an admin confirmation. */
  flush?(): Promise<void>;

  /**
   * Pushes key additions and removals as the server announces them, until `stop()`, the driver's
   * `dispose()` or a lost connection (then `onEnd`). Absent where the backend cannot announce changes; says
   * `live: false` with the reason where the server is not set up to.
   */
  watchKeyspace?(listener: KeyspaceListener): Promise<KeyspaceWatch>;

  /** Raw commands for the console, where the backend has a command language of its own. */
  readonly console?: ConsoleRunner;

  /** Closes connections. Safe to call more than once. */
  dispose(): Promise<void>;
}

/** What every driver is built from, whatever its kind. */
interface DriverOptions<Settings> {
  /** Parsed once, by the kind's schema (`lib/kinds/`, `settings`), with its defaults filled in. */
  readonly settings: Settings;
  /** The profile's decrypted secrets; a driver reads the names its kind's descriptor declares. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Deadline of every call, connecting included: the profile's, else `DEFAULT_TIMEOUT_MS` (`limits.ts`). */
  readonly timeoutMs: number;
}

/**
 * The one driver style: a factory function per kind, `create…Driver({ settings, secrets, timeoutMs })`,
 * whose closure holds the connection state and which returns an object literal typed as `Driver` — no
 * classes. Why a closure rather than a class: a method can be handed around on its own (`driver.scan`
 * passed to a walker) without losing `this`; the state is private by scope rather than by a keyword erased
 * at run time; optional operations (`describeHeads`, `collections`, `dump`) are simply present or absent
 * on the object; and it is the shape of unstorage's drivers, which these follow. The factory neither parses
 * settings nor picks a default timeout: `createDriver` (`registry.ts`) has done both.
 */
export type DriverFactory<Settings> = (options: DriverOptions<Settings>) => Driver;
