/**
 * The Redis driver: standalone (host/port or URL, ACL, TLS), Sentinel and Cluster, on ioredis.
 *
 * Keys and values stay `Buffer`s end to end (`callBuffer`). Every connection is lazy, has a connect deadline
 * and a per-command timeout, never retries in the background and keeps no offline queue, so an unreachable or
 * stalled server answers `CONNECTION_REFUSED` or `TIMEOUT` within the profile's limit; the next call opens a
 * fresh connection (which, under Sentinel, asks the sentinels for the current primary again).
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { randomUUID } from "node:crypto";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { z } from "zod";
import { DIGEST_MAX_BYTES, SAMPLE_BYTES, sampledDigest, stringDigest, valueDigest } from "./digest";
import { ConflictError, DriverError } from "./errors";
import { KnownTypes } from "./known-types";
import { prefixPattern } from "./glob";
import { toDriverError } from "./redis-errors";
import {
  DESCRIBE_SCRIPT,
  DIGEST_PAGE_SCRIPT,
  WRITE_EXPECT_SCRIPT,
  parseInfo,
  parseScore,
  scoreArg,
  type Script,
} from "./redis-scripts";
import {
  HASH_DELETE_SCRIPT,
  HASH_SET_SCRIPT,
  LIST_REMOVE_AT_SCRIPT,
  LIST_SET_SCRIPT,
  SET_REPLACE_SCRIPT,
  ZSET_ADD_SCRIPT,
  ZSET_REMOVE_SCRIPT,
} from "./redis-scripts";
import type {
  Capabilities,
  CollectionOps,
  Driver,
  DriverKind,
  KeyHead,
  KeyMeta,
  KeyType,
  PingResult,
  PrefixOptions,
  PrefixResult,
  ReadRequest,
  ReadResult,
  ScanPage,
  ScanRequest,
  ServerStats,
  WriteOptions,
} from "./types";

const tlsSettings = z.object({
  enabled: z.boolean().default(true),
  /** PEM of the CA that signed the server certificate; the system store when absent. */
  ca: z.string().optional(),
  /** PEM client certificate for mutual TLS (its key is the `tlsKey` secret). */
  cert: z.string().optional(),
  /** Server name for SNI and certificate checks, when it differs from the host. */
  servername: z.string().optional(),
  /** Verify the server certificate and host name. Off only for self-signed test servers. */
  verify: z.boolean().default(true),
});

const nodeAddress = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

const redisUrl = z
  .string()
  .refine((value) => /^rediss?:\/\//.test(value), "Use a redis:// or rediss:// URL")
  .refine((value) => {
    try {
      return new URL(value).password === "";
    } catch {
      return false;
    }
  }, "Put the password in the password field, not in the URL");

export const redisSettingsSchema = z.object({
  /** `redis://[user@]host:port/db` or `rediss://…`; overrides host, port, db, username and turns TLS on. */
  url: redisUrl.optional(),
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(1).max(65535).default(6379),
  db: z.number().int().min(0).default(0),
  /** ACL user (Redis 6+); the password is the `password` secret. */
  username: z.string().optional(),
  tls: tlsSettings.optional(),
});
export type RedisSettings = z.infer<typeof redisSettingsSchema>;

export const redisSentinelSettingsSchema = z.object({
  masterName: z.string().min(1),
  sentinels: z.array(nodeAddress).min(1),
  db: z.number().int().min(0).default(0),
  username: z.string().optional(),
  /** ACL user on the sentinels; their password is the `sentinelPassword` secret. */
  sentinelUsername: z.string().optional(),
  /** TLS towards the primary and replicas. */
  tls: tlsSettings.optional(),
  /** Also use `tls` towards the sentinels. */
  sentinelTls: z.boolean().default(false),
});
export type RedisSentinelSettings = z.infer<typeof redisSentinelSettingsSchema>;

export const redisClusterSettingsSchema = z.object({
  /** Any reachable nodes; the rest of the cluster is discovered from them. */
  nodes: z.array(nodeAddress).min(1),
  username: z.string().optional(),
  tls: tlsSettings.optional(),
});
export type RedisClusterSettings = z.infer<typeof redisClusterSettingsSchema>;

/** Secrets the Redis kinds read from the connection profile. */
export interface RedisSecrets {
  password?: string;
  sentinelPassword?: string;
  /** PEM private key of the TLS client certificate. */
  tlsKey?: string;
}

const MAX_BULK = 512 * 1024 * 1024;

export const redisCapabilities: Capabilities = {
  listKeys: true,
  types: true,
  ttl: true,
  persist: true,
  keepTtl: true,
  counters: true,
  floatCounters: true,
  negativeCounters: true,
  atomicCounters: true,
  namespaceDelete: true,
  namespaceExpire: true,
  cas: true,
  rename: true,
  rangeRead: true,
  dumpRestore: true,
  flush: true,
  maxKeyBytes: null,
  maxValueBytes: MAX_BULK,
  emptyValues: true,
};

const DEFAULT_STRING_PAGE = 65536;
const DEFAULT_COLLECTION_PAGE = 100;
const DEFAULT_SCAN_COUNT = 1000;
const DEFAULT_BATCH = 1000;
const DELETE_CHUNK = 1000;

type Client = Redis | Cluster;
type Reply = Buffer | string | number | null | Reply[];
type BufferCommand = (...args: (string | Buffer | number)[]) => Promise<Reply>;

type Topology =
  | { kind: "redis"; settings: RedisSettings }
  | { kind: "redis-sentinel"; settings: RedisSentinelSettings }
  | { kind: "redis-cluster"; settings: RedisClusterSettings };

function tlsOptions(tls: z.infer<typeof tlsSettings> | undefined, secrets: RedisSecrets, host?: string): TlsOptions | undefined {
  if (!tls?.enabled) return undefined;
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: secrets.tlsKey,
    servername: tls.servername ?? (host && !/^[\d.:]+$/.test(host) ? host : undefined),
    rejectUnauthorized: tls.verify,
    ...(tls.verify ? {} : { checkServerIdentity: () => undefined }),
  };
}

function text(reply: unknown): string {
  if (Buffer.isBuffer(reply)) return reply.toString("utf8");
  return reply === null || reply === undefined ? "" : String(reply);
}

function num(reply: unknown): number {
  return Number(text(reply));
}

function buf(reply: unknown): Buffer {
  if (Buffer.isBuffer(reply)) return reply;
  return Buffer.from(reply === null || reply === undefined ? "" : String(reply));
}

function pairs(flat: Reply[]): { field: Buffer; value: Buffer }[] {
  const out: { field: Buffer; value: Buffer }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ field: buf(flat[i]), value: buf(flat[i + 1]) });
  return out;
}

/** A read result before its TTL is added (distributes over the union of result shapes). */
type Untimed<T> = T extends unknown ? Omit<T, "ttlMs"> : never;

function ttlOf(reply: unknown): number | null {
  const ttl = num(reply);
  return ttl >= 0 ? ttl : null;
}

function keyType(name: string): KeyType {
  return name === "string" || name === "hash" || name === "list" || name === "set" || name === "zset" || name === "stream"
    ? name
    : "unknown";
}

function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new DriverError("INVALID_ARGUMENT", `A TTL must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}

function cancelled(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Cursor of a walk over several primaries: which node (by address) and where in its keyspace. */
function encodeClusterCursor(node: string, cursor: string): string {
  return Buffer.from(`${node} ${cursor}`).toString("base64url");
}

function decodeClusterCursor(cursor: string): { node: string; cursor: string } {
  const [node, inner] = Buffer.from(cursor, "base64url").toString("utf8").split(" ");
  if (!node || !inner || !/^\d+$/.test(inner)) throw new DriverError("INVALID_ARGUMENT", "Malformed scan cursor");
  return { node, cursor: inner };
}

function nodeAddressOf(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

export class RedisDriver implements Driver {
  readonly kind: DriverKind;
  readonly capabilities = redisCapabilities;
  readonly collections: CollectionOps;

  private client: Client | null = null;
  /** Types of keys listed or read lately: a collection's page then needs one round trip, not two. */
  private readonly knownTypes = new KnownTypes();
  private opening: Promise<Client> | null = null;
  private lastClientError: Error | null = null;
  private disposed = false;
  private version: string | null = null;
  /** Set once the server answered NOPERM to a script: this ACL user may not run Lua. */
  private scriptsDenied = false;

  constructor(
    private readonly topology: Topology,
    private readonly secrets: RedisSecrets,
    private readonly timeoutMs: number,
  ) {
    this.kind = topology.kind;
    this.collections = this.collectionOps();
  }

  /** Options of every connection, cluster nodes included. */
  private nodeOptions(): RedisOptions {
    return {
      lazyConnect: true,
      // RESP2 keeps reply shapes identical to what every Redis speaks (no HELLO round trip, no RESP3 maps
      // or doubles to special-case); ioredis 6 would otherwise negotiate RESP3.
      protocol: 2,
      stringNumbers: true,
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      maxRetriesPerRequest: 0,
      enableAutoPipelining: true,
      disableClientInfo: true,
      connectionName: "cacheboard",
    };
  }

  private createClient(): Client {
    const base: RedisOptions = { ...this.nodeOptions(), enableOfflineQueue: false, retryStrategy: () => null };
    const secrets = this.secrets;
    switch (this.topology.kind) {
      case "redis": {
        const s = this.topology.settings;
        let host = s.host;
        let port = s.port;
        let db = s.db;
        let username = s.username;
        let tls = s.tls;
        if (s.url) {
          const url = new URL(s.url);
          host = url.hostname.replace(/^\[|\]$/g, "") || host;
          port = url.port ? Number(url.port) : 6379;
          const dbPath = url.pathname.replace(/^\//, "");
          if (dbPath) db = Number(dbPath);
          if (url.username) username = decodeURIComponent(url.username);
          if (url.protocol === "rediss:") tls = { ...(tls ?? { verify: true }), enabled: true };
        }
        return new Redis({
          ...base,
          host,
          port,
          db,
          username,
          password: secrets.password,
          tls: tlsOptions(tls, secrets, host),
        });
      }
      case "redis-sentinel": {
        const s = this.topology.settings;
        const tls = tlsOptions(s.tls, secrets);
        return new Redis({
          ...base,
          name: s.masterName,
          sentinels: s.sentinels,
          db: s.db,
          username: s.username,
          password: secrets.password,
          sentinelUsername: s.sentinelUsername,
          sentinelPassword: secrets.sentinelPassword,
          sentinelCommandTimeout: this.timeoutMs,
          sentinelRetryStrategy: () => null,
          tls,
          enableTLSForSentinelMode: s.sentinelTls && tls !== undefined,
          sentinelTLS: s.sentinelTls ? tls : undefined,
        });
      }
      case "redis-cluster": {
        const s = this.topology.settings;
        const options: ClusterOptions = {
          lazyConnect: true,
          enableOfflineQueue: false,
          // ioredis 6.0.0 routes auto-pipelined commands by the UTF-8 text of a Buffer key (wrong slot for
          // binary keys) and fails on EVALSHA; plain commands route by the key's bytes and still share the
          // node's socket without waiting for each other.
          enableAutoPipelining: false,
          clusterRetryStrategy: () => null,
          slotsRefreshTimeout: this.timeoutMs,
          maxRedirections: 8,
          retryDelayOnFailover: 100,
          redisOptions: {
            ...this.nodeOptions(),
            enableAutoPipelining: false,
            username: s.username,
            password: secrets.password,
            tls: tlsOptions(s.tls, secrets),
          },
        };
        return new Cluster(s.nodes, options);
      }
    }
  }

  /** The connected client, opening one (within the deadline) when there is none or the last one ended. */
  private async conn(): Promise<Client> {
    if (this.disposed) throw new DriverError("CONNECTION_REFUSED", "The driver was disposed");
    const current = this.client;
    if (current && current.status === "ready") return current;
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async open(): Promise<Client> {
    if (this.client) {
      this.client.disconnect();
      this.client = null;
    }
    const client = this.createClient();
    this.lastClientError = null;
    // Failures surface through the commands; the event is only kept to explain a failed connect.
    client.on("error", (error: Error) => {
      this.lastClientError = error;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DriverError("TIMEOUT", `No answer from the server within ${this.timeoutMs} ms while connecting`)),
        this.timeoutMs,
      );
    });
    try {
      await Promise.race([client.connect(), deadline]);
    } catch (error) {
      client.disconnect();
      // A cluster that reached no node explains why in `lastNodeError`.
      const detail = (error as { lastNodeError?: Error }).lastNodeError ?? this.lastClientError;
      const mapped = toDriverError(error, "connect");
      if (detail && mapped.code !== "TIMEOUT") throw toDriverError(detail, "connect");
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
    if (this.disposed) {
      client.disconnect();
      throw new DriverError("CONNECTION_REFUSED", "The driver was disposed");
    }
    this.client = client;
    return client;
  }

  /** Runs `op` on a connected client and maps any failure; a READONLY answer under Sentinel means the primary moved. */
  private async run<T>(op: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await op(await this.conn());
    } catch (error) {
      const mapped = toDriverError(error);
      if (mapped.code === "READ_ONLY" && this.kind === "redis-sentinel") {
        this.client?.disconnect();
        this.client = null;
        try {
          return await op(await this.conn());
        } catch (retryError) {
          throw toDriverError(retryError);
        }
      }
      throw mapped;
    }
  }

  /**
   * One command with Buffer replies. Goes through the named `<command>Buffer` method rather than
   * `callBuffer`, whose auto-pipelined path in ioredis 6.0.0 loses the command name.
   */
  private call(client: Client | Redis, command: string, ...args: (string | Buffer | number)[]): Promise<Reply> {
    const method = (client as unknown as Record<string, BufferCommand>)[`${command.toLowerCase()}Buffer`];
    return method.apply(client, args);
  }

  /** EVALSHA, loading the script on the node that answers NOSCRIPT. */
  private async script(client: Client, script: Script, keys: Buffer[], args: (string | Buffer | number)[]): Promise<Reply> {
    const emulable = script !== WRITE_EXPECT_SCRIPT;
    if (this.scriptsDenied && emulable) return this.withoutScript(client, script, keys[0], args);
    try {
      return await this.call(client, "EVALSHA", script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (error.message.startsWith("NOSCRIPT")) return this.call(client, "EVAL", script.lua, keys.length, ...keys, ...args);
      if (!error.message.startsWith("NOPERM") || !emulable) throw error;
      this.scriptsDenied = true;
      return this.withoutScript(client, script, keys[0], args);
    }
  }

  /**
   * The read-only scripts done with plain commands, for ACL users without `@scripting` (a common read-only
   * profile). Same reply shape; costs a second round trip and is not atomic. The digest script hashes here,
   * after STRLEN showed the value is small enough to fetch. A compare-and-set cannot be emulated atomically
   * on a shared connection, so it stays refused.
   */
  private async withoutScript(client: Client, script: Script, key: Buffer, args: (string | Buffer | number)[]): Promise<Reply> {
    if (script === DIGEST_PAGE_SCRIPT) {
      const [offset, limit, max] = args.map(Number);
      const [type, length] = await Promise.all([this.call(client, "TYPE", key), this.call(client, "STRLEN", key).catch(() => -1)]);
      if (text(type) !== "string") return [-1];
      if (num(length) > max) return [length];
      const value = buf(await this.call(client, "GET", key));
      return [value.length, valueDigest(value), value.subarray(offset, offset + limit)];
    }
    const [type, ttl] = await Promise.all([this.call(client, "TYPE", key), this.call(client, "PTTL", key)]);
    const name = text(type);
    if (name === "none") return [name, -2, -1, -1];
    if (name === "string") {
      const head = Number(args[0] ?? 0);
      const [length, prefix] = await Promise.all([
        this.call(client, "STRLEN", key),
        head > 0 ? this.call(client, "GETRANGE", key, 0, head - 1) : null,
      ]);
      return prefix === null ? [name, ttl, length, -1] : [name, ttl, length, -1, prefix];
    }
    const lengthCommand = { hash: "HLEN", list: "LLEN", set: "SCARD", zset: "ZCARD", stream: "XLEN" }[name];
    const [size, length] = await Promise.all([
      this.call(client, "MEMORY", "USAGE", key).catch(() => null),
      lengthCommand ? this.call(client, lengthCommand, key) : -1,
    ]);
    return [name, ttl, size ?? -1, length];
  }

  /** Every primary, in a stable order: the one client standalone, each master node in a cluster. */
  private primaries(client: Client): Redis[] {
    if (client instanceof Cluster) {
      return client.nodes("master").sort((a, b) => nodeAddressOf(a).localeCompare(nodeAddressOf(b)));
    }
    return [client];
  }

  async ping(): Promise<PingResult> {
    return this.run(async (client) => {
      const started = performance.now();
      await this.call(client, "PING");
      const latencyMs = performance.now() - started;
      if (this.version === null) {
        const info = parseInfo(text(await this.call(this.primaries(client)[0], "INFO", "server")));
        this.version = info.get("redis_version") ?? null;
      }
      return { latencyMs, version: this.version };
    });
  }

  async keyCount(): Promise<number> {
    return this.run(async (client) => {
      const sizes = await Promise.all(this.primaries(client).map((node) => this.call(node, "DBSIZE")));
      return sizes.reduce<number>((sum, size) => sum + num(size), 0);
    });
  }

  async scan(request: ScanRequest): Promise<ScanPage> {
    if (cancelled(request.signal)) throw new DriverError("CANCELLED", "The scan was cancelled");
    const prefix = request.prefix;
    const pattern = request.match ?? (prefix && prefix.length > 0 ? prefixPattern(prefix) : undefined);
    const args: (string | Buffer | number)[] = [];
    if (pattern) args.push("MATCH", pattern);
    args.push("COUNT", request.count ?? DEFAULT_SCAN_COUNT);
    if (request.type && request.type !== "unknown") args.push("TYPE", request.type);
    // With both a pattern and a prefix the server filters by the pattern and we keep the prefix here.
    const keep = request.match && prefix && prefix.length > 0 ? (k: Buffer) => k.subarray(0, prefix.length).equals(prefix) : null;

    return this.run(async (client) => {
      const nodes = this.primaries(client);
      let index = 0;
      let cursor = "0";
      if (client instanceof Cluster) {
        if (request.cursor) {
          const decoded = decodeClusterCursor(request.cursor);
          index = nodes.findIndex((node) => nodeAddressOf(node) === decoded.node);
          if (index === -1) {
            throw new DriverError("INVALID_ARGUMENT", `The node ${decoded.node} of this scan cursor is no longer a primary; start again`);
          }
          cursor = decoded.cursor;
        }
      } else if (request.cursor) {
        if (!/^\d+$/.test(request.cursor)) throw new DriverError("INVALID_ARGUMENT", "Malformed scan cursor");
        cursor = request.cursor;
      }
      // The server filters MATCH and TYPE, so what this call looked at is estimated from how much of the
      // node's table the cursor moved over, times the node's key count (DBSIZE rides along in the pipeline).
      const filtered = args[0] === "MATCH" || args.includes("TYPE");
      const [[next, found], nodeKeys] = (await Promise.all([
        this.call(nodes[index], "SCAN", cursor, ...args),
        filtered ? this.call(nodes[index], "DBSIZE") : null,
      ])) as [[Buffer, Buffer[]], Reply | null];
      const keys = keep ? found.filter(keep) : found;
      const nextCursor = text(next);
      const before = cursorShare(cursor);
      const after = nextCursor === "0" ? 1 : cursorShare(nextCursor);
      const progress = {
        examined: filtered ? Math.round(Math.max(0, after - before) * num(nodeKeys)) : found.length,
        estimated: filtered,
        covered: (index + after) / nodes.length,
      };
      if (nextCursor !== "0") {
        return {
          cursor: client instanceof Cluster ? encodeClusterCursor(nodeAddressOf(nodes[index]), nextCursor) : nextCursor,
          done: false,
          keys,
          progress,
        };
      }
      if (index + 1 < nodes.length) {
        return { cursor: encodeClusterCursor(nodeAddressOf(nodes[index + 1]), "0"), done: false, keys, progress };
      }
      return { cursor: "0", done: true, keys, progress };
    });
  }

  async describe(keys: Buffer[]): Promise<KeyMeta[]> {
    return this.describeHeads(keys, 0);
  }

  /** DESCRIBE_SCRIPT per key, all on the wire at once: one round trip for the whole page. */
  async describeHeads(keys: Buffer[], headBytes: number): Promise<KeyHead[]> {
    if (keys.length === 0) return [];
    const head = Math.max(0, Math.floor(headBytes));
    return this.run(async (client) => {
      const replies = await Promise.all(keys.map((key) => this.script(client, DESCRIBE_SCRIPT, [key], [head])));
      return replies.map((reply, i) => {
        const [type, ttl, size, length, prefix] = reply as Reply[];
        const name = text(type);
        if (name === "none") return { key: keys[i], exists: false, type: "unknown", ttlMs: null, size: null, length: null, head: null };
        this.knownTypes.note(keys[i], name);
        const ttlMs = num(ttl);
        const sizeNum = num(size);
        const lengthNum = num(length);
        return {
          key: keys[i],
          exists: true,
          type: keyType(name),
          ttlMs: ttlMs >= 0 ? ttlMs : null,
          size: sizeNum >= 0 ? sizeNum : null,
          length: lengthNum >= 0 ? lengthNum : null,
          head: name === "string" && head > 0 ? buf(prefix) : null,
        };
      });
    });
  }

  async read(key: Buffer, request: ReadRequest = {}): Promise<ReadResult> {
    const offset = Math.max(0, Math.floor(request.offset ?? 0));
    return this.run(async (client) => {
      const notString = (error: unknown) => {
        if (error instanceof Error && error.message.startsWith("WRONGTYPE")) return null;
        throw error;
      };
      // A key listed or read lately is a collection of a known type: its page goes out with TYPE and PTTL in
      // the same round trip, and TYPE confirms the guess (a key that changed type falls through to below).
      const known = this.knownTypes.get(key);
      if (known && known !== "string") {
        const [typeReply, ttlReply, page] = await Promise.all([
          this.call(client, "TYPE", key),
          this.call(client, "PTTL", key),
          this.collectionPage(client, known, key, offset, request).catch(notString),
        ]);
        if (text(typeReply) === known && page) return { ...page, ttlMs: ttlOf(ttlReply) };
      }
      const stringLimit = Math.max(0, Math.floor(request.bytes ?? request.limit ?? DEFAULT_STRING_PAGE));
      // One round trip for a string: a collection answers WRONGTYPE to the two string commands.
      const [typeReply, ttlReply, lengthReply, rangeReply] = await Promise.all([
        this.call(client, "TYPE", key),
        this.call(client, "PTTL", key),
        this.call(client, "STRLEN", key).catch(notString),
        stringLimit > 0 ? this.call(client, "GETRANGE", key, offset, offset + stringLimit - 1).catch(notString) : Buffer.alloc(0),
      ]);
      const type = text(typeReply);
      const ttlMs = ttlOf(ttlReply);
      if (type === "none") {
        this.knownTypes.forget(key);
        throw new DriverError("NOT_FOUND", "The key does not exist");
      }
      this.knownTypes.note(key, type);
      if (type === "string" && lengthReply !== null && rangeReply !== null) {
        return this.stringPage(client, key, ttlMs, offset, stringLimit, num(lengthReply), buf(rangeReply));
      }
      const page = await this.collectionPage(client, type, key, offset, request);
      return { ...page, ttlMs };
    });
  }

  /** One page of a collection of a known type, without its TTL: two commands sent together. */
  private async collectionPage(client: Client, type: string, key: Buffer, offset: number, request: ReadRequest): Promise<Untimed<ReadResult>> {
    const limit = Math.max(1, Math.floor(request.limit ?? DEFAULT_COLLECTION_PAGE));
    const cursor = request.cursor || "0";
    switch (type) {
      case "hash": {
        const [scan, total] = await Promise.all([
          this.call(client, "HSCAN", key, cursor, "COUNT", limit) as Promise<[Buffer, Reply[]]>,
          this.call(client, "HLEN", key),
        ]);
        const next = text(scan[0]);
        return { type, key, entries: pairs(scan[1]), cursor: next, done: next === "0", total: num(total) };
      }
      case "set": {
        const [scan, total] = await Promise.all([
          this.call(client, "SSCAN", key, cursor, "COUNT", limit) as Promise<[Buffer, Reply[]]>,
          this.call(client, "SCARD", key),
        ]);
        const next = text(scan[0]);
        return { type, key, members: scan[1].map(buf), cursor: next, done: next === "0", total: num(total) };
      }
      case "list": {
        const [items, total] = await Promise.all([
          this.call(client, "LRANGE", key, offset, offset + limit - 1) as Promise<Reply[]>,
          this.call(client, "LLEN", key),
        ]);
        return { type, key, items: items.map(buf), offset, total: num(total) };
      }
      case "zset": {
        const [flat, total] = await Promise.all([
          this.call(client, "ZRANGE", key, offset, offset + limit - 1, "WITHSCORES") as Promise<Reply[]>,
          this.call(client, "ZCARD", key),
        ]);
        const members: { member: Buffer; score: number }[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) members.push({ member: buf(flat[i]), score: parseScore(text(flat[i + 1])) });
        return { type, key, members, offset, total: num(total) };
      }
      case "stream": {
        const start = request.cursor ? `(${request.cursor}` : "-";
        const [entries, total] = await Promise.all([
          this.call(client, "XRANGE", key, start, "+", "COUNT", limit + 1) as Promise<[Buffer, Reply[]][]>,
          this.call(client, "XLEN", key),
        ]);
        const page = entries.slice(0, limit).map(([id, fields]) => ({ id: text(id), fields: pairs(fields) }));
        const nextCursor = entries.length > limit ? page[page.length - 1].id : null;
        return { type, key, entries: page, total: num(total), nextCursor };
      }
      default:
        throw new DriverError("UNSUPPORTED", `Keys of type ${type} cannot be read`);
    }
  }

  /**
   * A string page and its digest without ever reading or hashing more than the page (plus two 4 KiB samples)
   * for a value above `DIGEST_MAX_BYTES`. A page that holds the whole value is hashed here; a value up to
   * `DIGEST_MAX_BYTES` that the page does not cover is hashed in Lua together with its page, atomically.
   */
  private async stringPage(
    client: Client,
    key: Buffer,
    ttlMs: number | null,
    offset: number,
    limit: number,
    length: number,
    page: Buffer,
  ): Promise<ReadResult> {
    if (offset === 0 && page.length === length) {
      return { type: "string", key, ttlMs, value: page, offset, total: length, digest: stringDigest(page) };
    }
    if (length <= DIGEST_MAX_BYTES) {
      const reply = (await this.script(client, DIGEST_PAGE_SCRIPT, [key], [offset, limit, DIGEST_MAX_BYTES])) as Reply[];
      const total = num(reply[0]);
      if (total < 0) throw new DriverError("WRONG_TYPE", "The key stopped being a string while it was read");
      if (reply.length === 3) return { type: "string", key, ttlMs, value: buf(reply[2]), offset, total, digest: text(reply[1]) };
      length = total;
    }
    const [head, tail] = await Promise.all([
      this.call(client, "GETRANGE", key, 0, SAMPLE_BYTES - 1),
      this.call(client, "GETRANGE", key, -SAMPLE_BYTES, -1),
    ]);
    return { type: "string", key, ttlMs, value: page, offset, total: length, digest: sampledDigest(length, buf(head), buf(tail)) };
  }

  async write(key: Buffer, value: Buffer, options: WriteOptions = {}): Promise<{ digest: string }> {
    if (value.length > MAX_BULK) throw new DriverError("TOO_LARGE", `Values are limited to ${MAX_BULK} bytes`);
    if (key.length > MAX_BULK) throw new DriverError("TOO_LARGE", `Keys are limited to ${MAX_BULK} bytes`);
    const { ttlMs, ifAbsent, expect } = options;
    if (typeof ttlMs === "number") checkTtl(ttlMs);
    const ttlArgs: (string | number)[] = ttlMs === undefined ? ["KEEPTTL"] : ttlMs === null ? [] : ["PX", ttlMs];
    return this.run(async (client) => {
      if (expect !== undefined) {
        const mode = ttlMs === undefined ? "keep" : ttlMs === null ? "persist" : "px";
        const outcome = text(
          await this.script(client, WRITE_EXPECT_SCRIPT, [key], [value, expect, mode, ttlMs ?? 0, ifAbsent ? 1 : 0, DIGEST_MAX_BYTES, SAMPLE_BYTES]),
        );
        if (outcome === "exists") throw new DriverError("ALREADY_EXISTS", "The key already exists");
        if (outcome === "conflict") {
          throw new DriverError("CONFLICT", "The value changed since it was loaded; nothing was written");
        }
      } else {
        const reply = await this.call(client, "SET", key, value, ...ttlArgs, ...(ifAbsent ? ["NX"] : []));
        if (reply === null) throw new DriverError("ALREADY_EXISTS", "The key already exists");
      }
      return { digest: stringDigest(value) };
    });
  }

  async delete(keys: Buffer[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.run(async (client) => {
      // A cluster refuses multi-key commands across slots; each key's UNLINK is routed to its node.
      if (client instanceof Cluster) return this.each(keys, (key) => this.call(client, "UNLINK", key));
      let removed = 0;
      for (let i = 0; i < keys.length; i += DELETE_CHUNK) {
        removed += num(await this.call(client, "UNLINK", ...keys.slice(i, i + DELETE_CHUNK)));
      }
      return removed;
    });
  }

  async expire(key: Buffer, ttlMs: number): Promise<void> {
    checkTtl(ttlMs);
    await this.run(async (client) => {
      if (num(await this.call(client, "PEXPIRE", key, ttlMs)) === 0) throw new DriverError("NOT_FOUND", "The key does not exist");
    });
  }

  async persist(key: Buffer): Promise<void> {
    await this.run(async (client) => {
      if (num(await this.call(client, "PERSIST", key)) === 1) return;
      if (num(await this.call(client, "EXISTS", key)) === 0) throw new DriverError("NOT_FOUND", "The key does not exist");
    });
  }

  async rename(key: Buffer, newKey: Buffer, options: { ifAbsent?: boolean } = {}): Promise<void> {
    await this.run(async (client) => {
      try {
        if (options.ifAbsent) {
          if (num(await this.call(client, "RENAMENX", key, newKey)) === 0) {
            throw new DriverError("ALREADY_EXISTS", "The new key already exists");
          }
        } else {
          await this.call(client, "RENAME", key, newKey);
        }
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("CROSSSLOT")) throw error;
        await this.moveAcrossSlots(client, key, newKey, options.ifAbsent === true);
      }
    });
  }

  /** RENAME across cluster slots: DUMP and RESTORE with the remaining TTL, then drop the old key. */
  private async moveAcrossSlots(client: Client, key: Buffer, newKey: Buffer, ifAbsent: boolean): Promise<void> {
    const [payload, ttl] = await Promise.all([this.call(client, "DUMP", key), this.call(client, "PTTL", key)]);
    if (payload === null) throw new DriverError("NOT_FOUND", "The key does not exist");
    const ttlMs = num(ttl);
    await this.call(client, "RESTORE", newKey, ttlMs > 0 ? ttlMs : 0, buf(payload), ...(ifAbsent ? [] : ["REPLACE"]));
    await this.call(client, "UNLINK", key);
  }

  async increment(key: Buffer, delta: number): Promise<string> {
    if (!Number.isFinite(delta)) throw new DriverError("INVALID_ARGUMENT", "The increment must be a finite number");
    return this.run(async (client) => {
      if (Number.isSafeInteger(delta)) {
        try {
          return text(await this.call(client, "INCRBY", key, delta));
        } catch (error) {
          // A stored float refuses INCRBY but takes INCRBYFLOAT.
          if (!(error instanceof Error) || !/not an integer/.test(error.message)) throw error;
        }
      }
      return text(await this.call(client, "INCRBYFLOAT", key, String(delta)));
    });
  }

  async countPrefix(prefix: Buffer, options: PrefixOptions = {}): Promise<PrefixResult> {
    return this.walkPrefix(prefix, options, null);
  }

  async deletePrefix(prefix: Buffer, options: PrefixOptions = {}): Promise<PrefixResult> {
    return this.walkPrefix(prefix, options, (node, keys) => {
      // One multi-key UNLINK is cheapest, but a cluster node refuses keys of different slots in one command.
      if (this.kind !== "redis-cluster") return this.call(node, "UNLINK", ...keys).then(num);
      return this.each(keys, (key) => this.call(node, "UNLINK", key));
    });
  }

  async expirePrefix(prefix: Buffer, ttlMs: number | null, options: PrefixOptions = {}): Promise<PrefixResult> {
    if (ttlMs !== null) checkTtl(ttlMs);
    return this.walkPrefix(prefix, options, (node, keys) =>
      this.each(keys, (key) => (ttlMs === null ? this.call(node, "PERSIST", key) : this.call(node, "PEXPIRE", key, ttlMs))),
    );
  }

  /**
   * One command per key, all sent at once on the node's connection (auto-pipelined standalone; a cluster
   * node's pipeline object insists on a single slot), summing the integer replies.
   */
  private async each(keys: Buffer[], command: (key: Buffer) => Promise<Reply>): Promise<number> {
    const replies = await Promise.all(keys.map(command));
    return replies.reduce<number>((sum, reply) => sum + num(reply), 0);
  }

  /**
   * SCAN `MATCH <escaped prefix>*` on every primary, acting on each batch with `act`. The action on one batch
   * runs while the next SCAN is already on the wire (both on the same connection, so in order), which keeps
   * the walk as fast as a hand-written SCAN + pipelined UNLINK loop.
   */
  private async walkPrefix(
    prefix: Buffer,
    options: PrefixOptions,
    act: ((node: Redis, keys: Buffer[]) => Promise<number>) | null,
  ): Promise<PrefixResult> {
    const count = options.batchSize ?? DEFAULT_BATCH;
    const pattern = prefixPattern(prefix);
    const progress = { scanned: 0, matched: 0, affected: 0 };
    return this.run(async (client) => {
      for (const node of this.primaries(client)) {
        let cursor = "0";
        let pending: Promise<number> | null = null;
        do {
          if (cancelled(options.signal)) {
            if (pending) progress.affected += await pending;
            return { matched: progress.matched, affected: progress.affected, cancelled: true };
          }
          const scanning = this.call(node, "SCAN", cursor, "MATCH", pattern, "COUNT", count) as Promise<[Buffer, Buffer[]]>;
          if (pending) {
            progress.affected += await pending;
            pending = null;
            options.onProgress?.({ ...progress });
          }
          const [next, keys] = await scanning;
          cursor = text(next);
          // SCAN visits about COUNT slots of the keyspace per call; the server does not say how many exactly.
          progress.scanned += count;
          progress.matched += keys.length;
          if (act && keys.length > 0) pending = act(node, keys);
          else options.onProgress?.({ ...progress });
        } while (cursor !== "0");
        if (pending) {
          progress.affected += await pending;
          options.onProgress?.({ ...progress });
        }
      }
      return { matched: progress.matched, affected: progress.affected, cancelled: false };
    });
  }

  async stats(): Promise<ServerStats> {
    return this.run(async (client) => {
      const nodes = this.primaries(client);
      const infos = await Promise.all(nodes.map(async (node) => parseInfo(text(await this.call(node, "INFO")))));
      const first = infos[0];
      const sum = (field: string): number | null => {
        const values = infos.map((info) => info.get(field)).filter((v): v is string => v !== undefined);
        return values.length === 0 ? null : values.reduce((total, v) => total + Number(v), 0);
      };
      const one = (field: string): number | null => {
        const v = first.get(field);
        return v === undefined ? null : Number(v);
      };
      const keyspace = new Map<string, { keys: number; expires: number }>();
      for (const info of infos) {
        for (const [name, value] of info) {
          if (!/^db\d+$/.test(name)) continue;
          const fields = Object.fromEntries(value.split(",").map((part) => part.split("=")));
          const entry = keyspace.get(name) ?? { keys: 0, expires: 0 };
          entry.keys += Number(fields.keys ?? 0);
          entry.expires += Number(fields.expires ?? 0);
          keyspace.set(name, entry);
        }
      }
      const maxMemory = sum("maxmemory");
      this.version = first.get("redis_version") ?? null;
      return {
        version: this.version,
        uptimeSeconds: one("uptime_in_seconds"),
        memory: {
          used: sum("used_memory"),
          peak: sum("used_memory_peak"),
          max: maxMemory === 0 ? null : maxMemory,
          fragmentationRatio: one("mem_fragmentation_ratio"),
          policy: first.get("maxmemory_policy") ?? null,
        },
        connectedClients: sum("connected_clients"),
        hits: sum("keyspace_hits"),
        misses: sum("keyspace_misses"),
        evictions: sum("evicted_keys"),
        totalCommands: sum("total_commands_processed"),
        opsPerSec: sum("instantaneous_ops_per_sec"),
        keyspace: [...keyspace].map(([name, v]) => ({ name, ...v })),
        detail: {
          mode: first.get("redis_mode") ?? null,
          role: first.get("role") ?? null,
          nodes: nodes.map((node, i) => ({
            address: nodeAddressOf(node),
            role: infos[i].get("role") ?? null,
            usedMemory: Number(infos[i].get("used_memory") ?? 0),
            keys: Number(/keys=(\d+)/.exec(infos[i].get("db0") ?? "")?.[1] ?? 0),
          })),
        },
      };
    });
  }

  async dump(key: Buffer): Promise<{ payload: Buffer; ttlMs: number | null } | null> {
    return this.run(async (client) => {
      const [payload, ttl] = await Promise.all([this.call(client, "DUMP", key), this.call(client, "PTTL", key)]);
      if (payload === null) return null;
      const ttlMs = num(ttl);
      return { payload: buf(payload), ttlMs: ttlMs >= 0 ? ttlMs : null };
    });
  }

  async restore(key: Buffer, payload: Buffer, options: { ttlMs: number | null; replace: boolean }): Promise<void> {
    if (options.ttlMs !== null) checkTtl(options.ttlMs);
    await this.run(async (client) => {
      await this.call(client, "RESTORE", key, options.ttlMs ?? 0, payload, ...(options.replace ? ["REPLACE"] : []));
    });
  }

  async flush(): Promise<void> {
    await this.run(async (client) => {
      await Promise.all(this.primaries(client).map((node) => this.call(node, "FLUSHDB")));
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const client = this.client;
    this.client = null;
    if (client) {
      try {
        await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 500))]);
      } catch {
        // A dead connection cannot be quit politely; it is torn down below either way.
      }
      client.disconnect();
    }
  }

  /**
   * A collection compare-and-set script. Unlike the read scripts it is never emulated with plain commands
   * for ACL users without `@scripting`: the check and the change would no longer be one atomic step.
   */
  private casScript(script: Script, key: Buffer, args: (string | Buffer | number)[]): Promise<Reply[]> {
    return this.run(async (client) => {
      try {
        return (await this.call(client, "EVALSHA", script.sha, 1, key, ...args)) as Reply[];
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        return (await this.call(client, "EVAL", script.lua, 1, key, ...args)) as Reply[];
      }
    });
  }

  private collectionOps(): CollectionOps {
    const call = (command: string, ...args: (string | Buffer | number)[]) =>
      this.run((client) => this.call(client, command, ...args));
    const flatPairs = (entries: { field: Buffer; value: Buffer }[]) => entries.flatMap((e) => [e.field, e.value]);
    const flatScores = (members: { member: Buffer; score: number }[]) => members.flatMap((m) => [scoreArg(m.score), m.member]);
    const scoreExpect = (score: number | null | undefined) => (score === undefined ? "" : score === null ? "absent" : scoreArg(score));
    /** Throws the conflict a script answered ({"conflict", element, stored}); returns the reply otherwise. */
    const settle = (reply: Reply[], what: "value" | "score", message: string): Reply[] => {
      if (text(reply[0]) !== "conflict") return reply;
      const stored = reply[2] === null || reply[2] === undefined ? null : buf(reply[2]);
      const element = buf(reply[1]);
      if (what === "score") throw new ConflictError(message, { element, score: stored === null ? null : parseScore(stored.toString()) });
      throw new ConflictError(message, { element, value: stored });
    };
    return {
      hashSet: async (key, field, value, options = {}) => {
        const { ifAbsent, expect, replaces } = options;
        if (expect === undefined && !replaces) {
          if (ifAbsent) {
            if (num(await call("HSETNX", key, field, value)) === 0) throw new DriverError("ALREADY_EXISTS", "The field already exists");
          } else {
            await call("HSET", key, field, value);
          }
          return;
        }
        const reply = await this.casScript(HASH_SET_SCRIPT, key, [
          field,
          value,
          expect ?? "",
          ifAbsent ? 1 : 0,
          replaces ? 1 : 0,
          replaces?.field ?? "",
          replaces?.expect ?? "",
        ]);
        if (text(reply[0]) === "exists") throw new DriverError("ALREADY_EXISTS", "The field already exists");
        settle(reply, "value", "The field changed since it was loaded; nothing was written");
      },
      hashDelete: async (key, fields, options = {}) => {
        if (fields.length === 0) return 0;
        if (!options.expect) return num(await call("HDEL", key, ...fields));
        const expect = options.expect;
        const reply = await this.casScript(HASH_DELETE_SCRIPT, key, fields.flatMap((field, i) => [field, expect[i] ?? ""]));
        return num(settle(reply, "value", "The field changed since it was loaded; nothing was removed")[1]);
      },
      listSet: async (key, index, value, options = {}) => {
        if (options.expect === undefined) {
          await call("LSET", key, index, value);
          return;
        }
        settle(
          await this.casScript(LIST_SET_SCRIPT, key, [index, value, options.expect]),
          "value",
          `The element at index ${index} changed since it was loaded; nothing was written`,
        );
      },
      listRemoveAt: async (key, index, expect) => {
        const tombstone = `cacheboard:removed:${randomUUID()}`;
        settle(
          await this.casScript(LIST_REMOVE_AT_SCRIPT, key, [index, expect, tombstone]),
          "value",
          `The element at index ${index} changed since it was loaded; nothing was removed`,
        );
      },
      listPush: async (key, values, end) => num(await call(end === "head" ? "LPUSH" : "RPUSH", key, ...values)),
      listInsert: async (key, pivot, value, where) => {
        const length = num(await call("LINSERT", key, where === "before" ? "BEFORE" : "AFTER", pivot, value));
        if (length === 0) throw new DriverError("NOT_FOUND", "The key does not exist");
        if (length === -1) throw new DriverError("NOT_FOUND", "The pivot element is not in the list");
        return length;
      },
      listRemove: async (key, value, count) => num(await call("LREM", key, count, value)),
      setAdd: async (key, members, options = {}) => {
        if (!options.replaces) return num(await call("SADD", key, ...members));
        const reply = await this.casScript(SET_REPLACE_SCRIPT, key, [options.replaces, ...members]);
        return num(settle(reply, "value", "The member was removed since it was loaded; nothing was written")[1]);
      },
      setRemove: async (key, members) => num(await call("SREM", key, ...members)),
      zsetAdd: async (key, members, options = {}) => {
        const { expect, replaces } = options;
        if (!expect && !replaces) return num(await call("ZADD", key, ...flatScores(members)));
        const reply = await this.casScript(ZSET_ADD_SCRIPT, key, [
          replaces ? 1 : 0,
          replaces?.member ?? "",
          scoreExpect(replaces?.expect),
          ...members.flatMap((m, i) => [m.member, scoreArg(m.score), scoreExpect(expect?.[i])]),
        ]);
        return num(settle(reply, "score", "The member's score changed since it was loaded; nothing was written")[1]);
      },
      zsetRemove: async (key, members, options = {}) => {
        if (members.length === 0) return 0;
        const expect = options.expect;
        if (!expect) return num(await call("ZREM", key, ...members));
        const reply = await this.casScript(ZSET_REMOVE_SCRIPT, key, members.flatMap((member, i) => [member, scoreExpect(expect[i])]));
        return num(settle(reply, "score", "The member's score changed since it was loaded; nothing was removed")[1]);
      },
      streamAdd: async (key, id, fields) => text(await call("XADD", key, id, ...flatPairs(fields))),
      streamDelete: async (key, ids) => num(await call("XDEL", key, ...ids)),
      create: async (key, content, options = {}) => {
        if (typeof options.ttlMs === "number") checkTtl(options.ttlMs);
        await this.run(async (client) => {
          if (options.ifAbsent && num(await this.call(client, "EXISTS", key)) === 1) {
            throw new DriverError("ALREADY_EXISTS", "The key already exists");
          }
          const tx = client.multi();
          tx.unlink(key);
          switch (content.type) {
            case "hash":
              tx.hset(key, ...flatPairs(content.entries));
              break;
            case "list":
              tx.rpush(key, ...content.items);
              break;
            case "set":
              tx.sadd(key, ...content.members);
              break;
            case "zset":
              tx.zadd(key, ...flatScores(content.members));
              break;
            case "stream":
              tx.xadd(key, "*", ...flatPairs(content.fields));
              break;
          }
          if (typeof options.ttlMs === "number") tx.pexpire(key, options.ttlMs);
          const results = await tx.exec();
          const failed = results?.find(([error]) => error);
          if (failed?.[0]) throw failed[0];
        });
      },
    };
  }
}

export function createRedisDriver(settings: RedisSettings, secrets: RedisSecrets, timeoutMs: number): Driver {
  return new RedisDriver({ kind: "redis", settings }, secrets, timeoutMs);
}

export function createRedisSentinelDriver(settings: RedisSentinelSettings, secrets: RedisSecrets, timeoutMs: number): Driver {
  return new RedisDriver({ kind: "redis-sentinel", settings }, secrets, timeoutMs);
}

export function createRedisClusterDriver(settings: RedisClusterSettings, secrets: RedisSecrets, timeoutMs: number): Driver {
  return new RedisDriver({ kind: "redis-cluster", settings }, secrets, timeoutMs);
}

/**
 * Share of a node's hash table a SCAN cursor has walked. Redis hands out cursors in reverse-binary order
 * (it increments the bit-reversed cursor), so the cursor's 64 bits reversed, over 2^64, is the share of
 * buckets visited, whatever the table size; a resize during the walk makes it approximate.
 */
function cursorShare(cursor: string): number {
  let rest = BigInt(cursor);
  let reversed = 0n;
  for (let bit = 0; bit < 64; bit++) {
    reversed = (reversed << 1n) | (rest & 1n);
    rest >>= 1n;
  }
  return Number(reversed) / 2 ** 64;
}
