/**
 * memcached driver: one server or a pool (keys placed like pymemcache's `HashClient`), meta commands for
 * reads and writes (value, TTL, flags and CAS in one round trip; base64 keys so any bytes work), and
 * listing by streaming `lru_crawler metadump hash` (`stats cachedump` on servers older than 1.5.19).
 *
 * Listing design (measured, see `MetadumpStream`): a scan cursor names a dump held in this process
 * (`sessions`), plus the server index and how many entries were already handed out. The dump walks the
 * hash table (every item exactly once, where the LRU walk missed ~500 of 1M freshly loaded items) and is
 * read as fast as memcached sends it, because a hash walk that waits for a slow reader holds an item lock
 * and stalls the server's traffic: entries are parsed straight off the socket while the pages keep up,
 * and the backlog goes to an unlinked temporary file while they do not. Listing a million keys costs
 * one dump, not one per page, and memory stays bounded. A dump idle for `SESSION_IDLE_MS` is dropped
 * (its file goes with it); a cursor whose dump is gone (idle, evicted, or made by another process)
 * dumps again and skips what was handed out, which can repeat or miss keys added or deleted meanwhile.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ABSENT_DIGEST, valueDigest } from "./digest";
import { DriverError } from "./errors";
import { scanMatcher } from "./glob";
import {
  type DumpEntry,
  MAX_KEY_BYTES,
  MemcachedConnection,
  type MetaReply,
  MetadumpStream,
  metaKey,
  metaSet,
  pickServer,
  throwIfError,
} from "./memcached-protocol";
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

/** Non-secret settings of a memcached profile; the `password` comes from the profile's secrets. */
export const memcachedSettingsSchema = z.object({
  /** `host:port` or a unix socket path, spelled as the app spells them (pool placement hashes the names). */
  servers: z.array(z.string().min(1)).min(1),
  /** For servers started with `-Y` (memcached's ASCII authentication). */
  username: z.string().min(1).optional(),
  /** The server's item size limit (`-I`, default 1 MiB); values up to this minus item overhead are accepted. */
  maxItemBytes: z.number().int().positive().default(1024 * 1024),
});

export type MemcachedSettings = z.input<typeof memcachedSettingsSchema>;

/** Secrets the memcached kind reads from the connection profile. */
export interface MemcachedSecrets {
  password?: string;
}

/** Room an item needs besides its value (header, CAS, longest key, suffix, CRLF). */
const ITEM_OVERHEAD_BYTES = 1024;
const SESSION_IDLE_MS = 120_000;
/** Open dumps per process; the least recently used one gives way (each holds a spool file). */
const MAX_SESSIONS = 8;
const DEFAULT_PAGE = 1000;
const MAX_PAGE = 100_000;
const THIRTY_DAYS_S = 30 * 24 * 3600;

interface DumpSession {
  id: string;
  address: string;
  position: number;
  stream: MetadumpStream;
  timer: NodeJS.Timeout | null;
  inUse: boolean;
}

/** Open listings of this process, shared by every driver instance so a cursor outlives one request's driver. */
const sessions = new Map<string, DumpSession>();

function endSession(session: DumpSession): void {
  if (session.timer) clearTimeout(session.timer);
  sessions.delete(session.id);
  session.stream.close();
}

function parkSession(session: DumpSession): void {
  session.inUse = false;
  // Map order is insertion order: re-inserting keeps the least recently used first.
  sessions.delete(session.id);
  sessions.set(session.id, session);
  for (const [, oldest] of sessions) {
    if (sessions.size <= MAX_SESSIONS) break;
    if (!oldest.inUse) endSession(oldest);
  }
  session.timer = setTimeout(() => endSession(session), SESSION_IDLE_MS);
  session.timer.unref();
}

function encodeCursor(id: string, server: number, position: number): string {
  return `m1.${id}.${server}.${position}`;
}

function decodeCursor(cursor: string): { id: string; server: number; position: number } {
  const match = /^m1\.([A-Za-z0-9_-]+)\.(\d+)\.(\d+)$/.exec(cursor);
  if (!match) throw new DriverError("INVALID_ARGUMENT", "This listing cursor is not a memcached cursor.");
  return { id: match[1], server: Number(match[2]), position: Number(match[3]) };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DriverError("CANCELLED", "The listing was cancelled.");
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** What memcached can do; `maxValueBytes` follows the server's item size limit (`-I`). */
export function memcachedCapabilitiesFor(maxItemBytes: number): Capabilities {
  return {
    listKeys: true,
    types: false,
    ttl: true,
    persist: true,
    keepTtl: false,
    counters: true,
    floatCounters: false,
    negativeCounters: false,
    atomicCounters: true,
    namespaceDelete: true,
    namespaceExpire: true,
    cas: true,
    rename: false,
    rangeRead: false,
    dumpRestore: true,
    flush: true,
    maxKeyBytes: MAX_KEY_BYTES,
    maxValueBytes: maxItemBytes - ITEM_OVERHEAD_BYTES,
    emptyValues: true,
  };
}

export const memcachedCapabilities = memcachedCapabilitiesFor(1024 * 1024);

export function createMemcachedDriver(input: MemcachedSettings, secrets: MemcachedSecrets = {}, timeoutMs = 5000): Driver {
  const { password } = secrets;
  const options = { ...memcachedSettingsSchema.parse(input), timeoutMs };
  const servers = options.servers;
  const capabilities = memcachedCapabilitiesFor(options.maxItemBytes);
  const maxValueBytes = capabilities.maxValueBytes ?? 0;
  const connections = servers.map(
    (address) => new MemcachedConnection({ address, timeoutMs: options.timeoutMs, username: options.username, password }),
  );
  /** Server clock minus ours, in seconds: metadump expiries are absolute server times. */
  const clockOffsets = new Map<number, number>();

  const connectionFor = (key: Buffer) => connections[pickServer(servers, key)];

  async function command(connection: MemcachedConnection, line: string | Buffer): Promise<MetaReply> {
    const reply = await connection.one(line);
    throwIfError(reply, connection.address);
    return reply;
  }

  async function serverNow(server: number): Promise<number> {
    let offset = clockOffsets.get(server);
    if (offset === undefined) {
      const reply = await connections[server].one("stats\r\n", "stats");
      throwIfError(reply, servers[server]);
      const time = Number(reply.stats?.get("time"));
      offset = Number.isFinite(time) ? time - Date.now() / 1000 : 0;
      clockOffsets.set(server, offset);
    }
    return Date.now() / 1000 + offset;
  }

  /** memcached's TTL token: 0 never expires, -1 expires now, more than 30 days must be an absolute time. */
  async function ttlToken(ttlMs: number | null, server: number): Promise<number> {
    if (ttlMs === null) return 0;
    if (!Number.isFinite(ttlMs)) throw new DriverError("INVALID_ARGUMENT", "The TTL must be a finite number of milliseconds.");
    if (ttlMs <= 0) return -1;
    const seconds = Math.ceil(ttlMs / 1000);
    if (seconds <= THIRTY_DAYS_S) return seconds;
    return Math.floor(await serverNow(server)) + seconds;
  }

  function remainingMs(t: string | undefined): number | null {
    if (t === undefined || t === "-1") return null;
    return Number(t) * 1000;
  }

  function checkValue(value: Buffer): void {
    if (value.length > maxValueBytes) {
      throw new DriverError(
        "TOO_LARGE",
        `The value has ${value.length} bytes; this memcached stores at most ${maxValueBytes} (item size limit ${options.maxItemBytes} bytes, -I).`,
      );
    }
  }

  async function write(key: Buffer, value: Buffer, writeOptions: WriteOptions = {}): Promise<{ digest: string }> {
    metaKey(key);
    checkValue(value);
    const server = pickServer(servers, key);
    const connection = connections[server];
    const digest = valueDigest(value);

    if (writeOptions.ifAbsent || writeOptions.expect === ABSENT_DIGEST) {
      const tokens = [`T${await ttlToken(writeOptions.ttlMs ?? null, server)}`, `F${writeOptions.flags ?? 0}`, "ME"];
      const reply = await command(connection, metaSet(key, value, tokens));
      if (reply.status === "NS") {
        if (writeOptions.ifAbsent) throw new DriverError("ALREADY_EXISTS", "The key already exists.");
        throw new DriverError("CONFLICT", "The key was created by someone else since it was loaded.");
      }
      return { digest };
    }

    const needsCurrent = writeOptions.expect !== undefined || writeOptions.ttlMs === undefined || writeOptions.flags === undefined;
    if (!needsCurrent) {
      const tokens = [`T${await ttlToken(writeOptions.ttlMs ?? null, server)}`, `F${writeOptions.flags ?? 0}`];
      await command(connection, metaSet(key, value, tokens));
      return { digest };
    }

    // Keeping TTL and flags means reading them first; the CAS token makes read-then-write one atomic
    // change, so a concurrent writer either loses cleanly or we retry on its fresh TTL and flags.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await command(connection, `mg ${metaKey(key)} t f c${writeOptions.expect !== undefined ? " v" : ""}\r\n`);
      if (writeOptions.expect !== undefined) {
        if (current.status === "EN") throw new DriverError("CONFLICT", "The key was deleted since it was loaded.");
        if (valueDigest(current.value ?? Buffer.alloc(0)) !== writeOptions.expect) {
          throw new DriverError("CONFLICT", "The value changed since it was loaded; nothing was overwritten.");
        }
      }
      const exists = current.status !== "EN";
      let ttl: number;
      if (writeOptions.ttlMs !== undefined) ttl = await ttlToken(writeOptions.ttlMs, server);
      else if (!exists || current.flags.get("t") === "-1") ttl = 0;
      else ttl = Math.max(1, Number(current.flags.get("t")));
      const flags = writeOptions.flags ?? (exists ? Number(current.flags.get("f") ?? 0) : 0);
      const tokens = [`T${ttl}`, `F${flags}`];
      tokens.push(exists ? `C${current.flags.get("c")}` : "ME");
      const reply = await command(connection, metaSet(key, value, tokens));
      if (reply.status === "HD") return { digest };
      if (writeOptions.expect !== undefined) {
        throw new DriverError("CONFLICT", "The value changed since it was loaded (compare-and-set failed); nothing was overwritten.");
      }
    }
    throw new DriverError("CONFLICT", "The key kept changing while it was being written; try again.");
  }

  async function describe(keys: Buffer[]): Promise<KeyMeta[]> {
    const results: KeyMeta[] = new Array(keys.length);
    const groups = new Map<number, number[]>();
    keys.forEach((key, i) => {
      metaKey(key);
      const server = pickServer(servers, key);
      groups.set(server, [...(groups.get(server) ?? []), i]);
    });
    await Promise.all(
      [...groups].map(async ([server, indexes]) => {
        const payload = indexes.map((i) => `mg ${metaKey(keys[i])} s t f\r\n`).join("");
        const replies = await connections[server].send(payload, indexes.map(() => "line"));
        replies.forEach((reply, j) => {
          throwIfError(reply, servers[server]);
          const key = keys[indexes[j]];
          const exists = reply.status === "HD";
          results[indexes[j]] = {
            key,
            exists,
            type: exists ? "string" : "unknown",
            ttlMs: exists ? remainingMs(reply.flags.get("t")) : null,
            size: exists ? numberOrNull(reply.flags.get("s")) : null,
            length: null,
            ...(exists ? { flags: Number(reply.flags.get("f") ?? 0) } : {}),
          };
        });
      }),
    );
    return results;
  }

  async function read(key: Buffer, request: ReadRequest = {}): Promise<StringRead> {
    const reply = await command(connectionFor(key), `mg ${metaKey(key)} v t f c\r\n`);
    if (reply.status === "EN") throw new DriverError("NOT_FOUND", "The key does not exist (or has expired).");
    const whole = reply.value ?? Buffer.alloc(0);
    const offset = Math.max(0, request.offset ?? 0);
    const limit = Math.max(0, request.bytes ?? request.limit ?? 65536);
    return {
      type: "string",
      key,
      ttlMs: remainingMs(reply.flags.get("t")),
      value: whole.subarray(offset, offset + limit),
      offset,
      total: whole.length,
      digest: valueDigest(whole),
      flags: Number(reply.flags.get("f") ?? 0),
    };
  }

  async function touch(key: Buffer, ttlMs: number | null): Promise<void> {
    const server = pickServer(servers, key);
    const reply = await command(connections[server], `mg ${metaKey(key)} T${await ttlToken(ttlMs, server)}\r\n`);
    if (reply.status === "EN") throw new DriverError("NOT_FOUND", "The key does not exist (or has expired).");
  }

  async function increment(key: Buffer, delta: number): Promise<string> {
    if (!Number.isSafeInteger(delta)) {
      throw new DriverError("INVALID_ARGUMENT", "memcached counters are unsigned 64-bit integers: the step must be a whole number.");
    }
    const connection = connectionFor(key);
    if (delta < 0) {
      const current = await command(connection, `mg ${metaKey(key)} v\r\n`);
      const text = current.value?.toString("latin1").trim();
      if (current.status === "VA" && text !== undefined && /^\d+$/.test(text) && BigInt(text) < BigInt(-delta)) {
        throw new DriverError("INVALID_ARGUMENT", `memcached counters cannot go below 0 (the value is ${text}); memcached would stop at 0.`);
      }
    }
    const mode = delta < 0 ? "MD" : "MI";
    // A missing counter starts at the step (as Redis' INCRBY would from 0): `N0` creates it with `J`.
    const reply = await command(connection, `ma ${metaKey(key)} v N0 J${Math.max(delta, 0)} D${Math.abs(delta)} ${mode}\r\n`);
    if (reply.status !== "VA") throw new DriverError("SERVER_ERROR", `memcached did not return the counter (${reply.line}).`);
    return (reply.value ?? Buffer.alloc(0)).toString("latin1").trim();
  }

  async function deleteKeys(keys: Buffer[]): Promise<number> {
    const groups = new Map<number, Buffer[]>();
    for (const key of keys) {
      metaKey(key);
      const server = pickServer(servers, key);
      groups.set(server, [...(groups.get(server) ?? []), key]);
    }
    let deleted = 0;
    await Promise.all(
      [...groups].map(async ([server, group]) => {
        const replies = await connections[server].send(group.map((k) => `md ${metaKey(k)}\r\n`).join(""), group.map(() => "line"));
        for (const reply of replies) {
          throwIfError(reply, servers[server]);
          if (reply.status === "HD") deleted++;
        }
      }),
    );
    return deleted;
  }

  async function openDump(server: number, extra: { filter?: (key: Buffer) => boolean } = {}): Promise<MetadumpStream> {
    const clockOffsetS = (await serverNow(server)) - Date.now() / 1000;
    return MetadumpStream.open({
      address: servers[server],
      timeoutMs: options.timeoutMs,
      username: options.username,
      password,
      mode: "hash",
      spool: true,
      clockOffsetS,
      ...extra,
    });
  }

  async function takeSession(id: string, server: number, position: number): Promise<DumpSession> {
    const existing = sessions.get(id);
    if (existing && !existing.inUse && existing.address === servers[server] && existing.position === position) {
      if (existing.timer) clearTimeout(existing.timer);
      existing.timer = null;
      existing.inUse = true;
      return existing;
    }
    if (existing && !existing.inUse) endSession(existing);
    const session: DumpSession = {
      id: randomBytes(9).toString("base64url"),
      address: servers[server],
      position: 0,
      stream: await openDump(server),
      timer: null,
      inUse: true,
    };
    sessions.set(session.id, session);
    try {
      while (session.position < position) {
        const skipped = await session.stream.next(Math.min(MAX_PAGE, position - session.position), options.timeoutMs);
        if (!skipped) break;
        session.position += skipped.length;
      }
    } catch (error) {
      endSession(session);
      throw error;
    }
    return session;
  }

  function keyFilter(request: { prefix?: Buffer; match?: Buffer }): (key: Buffer) => boolean {
    const { prefix, match } = request;
    const matches = match ? scanMatcher(match) : null;
    return (key) =>
      (!prefix || (key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix))) && (!matches || matches(key));
  }

  async function scan(request: ScanRequest): Promise<ScanPage> {
    throwIfAborted(request.signal);
    const budget = Math.min(MAX_PAGE, Math.max(1, request.count ?? DEFAULT_PAGE));
    const accepts = keyFilter(request);
    let { id, server, position } = request.cursor ? decodeCursor(request.cursor) : { id: "-", server: 0, position: 0 };
    if (request.type && request.type !== "string") return { cursor: "", done: true, keys: [], meta: [] };
    const keys: Buffer[] = [];
    const meta: KeyMeta[] = [];
    let examined = 0;
    while (server < servers.length && examined < budget) {
      throwIfAborted(request.signal);
      const session = await takeSession(id, server, position);
      let entries: DumpEntry[] | null;
      try {
        entries = await session.stream.next(budget - examined, options.timeoutMs);
      } catch (error) {
        endSession(session);
        throw error;
      }
      const filtered = request.prefix !== undefined || request.match !== undefined;
      for (const entry of entries ?? []) {
        if (filtered && !accepts(entry.key)) continue;
        keys.push(entry.key);
        meta.push(entry);
      }
      examined += entries?.length ?? 0;
      session.position += entries?.length ?? 0;
      if (session.stream.done || !entries) {
        endSession(session);
        server++;
        id = "-";
        position = 0;
      } else {
        parkSession(session);
        id = session.id;
        position = session.position;
      }
    }
    const done = server >= servers.length;
    return { cursor: done ? "" : encodeCursor(id, server, position), done, keys, meta, progress: { examined, estimated: false, covered: null } };
  }

  /**
   * Walks every server's dump once, acting batch by batch on the keys under `prefix` on the server that
   * holds them.
   */
  async function walkPrefix(
    prefix: Buffer,
    prefixOptions: PrefixOptions,
    act: ((server: number, keys: Buffer[]) => Promise<number>) | null,
  ): Promise<PrefixResult> {
    const batchSize = Math.max(1, prefixOptions.batchSize ?? 500);
    const accepts = keyFilter({ prefix });
    const progress = { scanned: 0, matched: 0, affected: 0 };
    let scannedBefore = 0;
    for (let server = 0; server < servers.length; server++) {
      const stream = await openDump(server, { filter: accepts });
      try {
        for (;;) {
          if (prefixOptions.signal?.aborted) return { matched: progress.matched, affected: progress.affected, cancelled: true };
          const entries = await stream.next(batchSize, options.timeoutMs);
          progress.scanned = scannedBefore + stream.seen;
          if (!entries) break;
          progress.matched += entries.length;
          if (act && entries.length) progress.affected += await act(server, entries.map((e) => e.key));
          prefixOptions.onProgress?.({ ...progress });
          if (stream.done) break;
        }
        scannedBefore += stream.seen;
      } finally {
        stream.close();
      }
    }
    prefixOptions.onProgress?.({ ...progress });
    return { matched: progress.matched, affected: progress.affected, cancelled: false };
  }

  async function pipelineCount(server: number, lines: string[], hit: string): Promise<number> {
    const replies = await connections[server].send(lines.join(""), lines.map(() => "line"));
    let count = 0;
    for (const reply of replies) {
      throwIfError(reply, servers[server]);
      if (reply.status === hit) count++;
    }
    return count;
  }

  async function stats(): Promise<ServerStats> {
    const perServer = await Promise.all(
      connections.map(async (connection) => {
        const [general, slabs] = await connection.send("stats\r\nstats slabs\r\n", ["stats", "stats"]);
        throwIfError(general, connection.address);
        throwIfError(slabs, connection.address);
        return { address: connection.address, general: general.stats ?? new Map<string, string>(), slabs: slabs.stats ?? new Map<string, string>() };
      }),
    );
    const sum = (name: string): number | null => {
      let total = 0;
      for (const s of perServer) {
        const n = numberOrNull(s.general.get(name));
        if (n === null) return null;
        total += n;
      }
      return total;
    };
    const totalCommands = ["cmd_get", "cmd_set", "cmd_touch", "cmd_flush"].reduce((acc, name) => acc + (sum(name) ?? 0), 0);
    return {
      version: perServer[0].general.get("version") ?? null,
      uptimeSeconds: numberOrNull(perServer[0].general.get("uptime")),
      memory: { used: sum("bytes"), peak: null, max: sum("limit_maxbytes"), fragmentationRatio: null, policy: "lru" },
      connectedClients: sum("curr_connections"),
      hits: sum("get_hits"),
      misses: sum("get_misses"),
      evictions: sum("evictions"),
      totalCommands,
      opsPerSec: null,
      keyspace: perServer.map((s) => ({ name: s.address, keys: Number(s.general.get("curr_items") ?? 0), expires: null })),
      detail: {
        servers: perServer.map((s) => ({
          address: s.address,
          version: s.general.get("version") ?? null,
          uptimeSeconds: numberOrNull(s.general.get("uptime")),
          currItems: numberOrNull(s.general.get("curr_items")),
          bytes: numberOrNull(s.general.get("bytes")),
          limitMaxbytes: numberOrNull(s.general.get("limit_maxbytes")),
          getHits: numberOrNull(s.general.get("get_hits")),
          getMisses: numberOrNull(s.general.get("get_misses")),
          evictions: numberOrNull(s.general.get("evictions")),
          currConnections: numberOrNull(s.general.get("curr_connections")),
          slabs: slabSummary(s.slabs),
        })),
      },
    };
  }

  const driver: Driver = {
    kind: "memcached",
    capabilities,

    async ping(): Promise<PingResult> {
      const started = performance.now();
      const replies = await Promise.all(connections.map((connection) => command(connection, "version\r\n")));
      const version = replies[0].line.startsWith("VERSION ") ? replies[0].line.slice(8) : null;
      return { latencyMs: performance.now() - started, version };
    },

    async keyCount(): Promise<number | null> {
      const replies = await Promise.all(connections.map((connection) => connection.one("stats\r\n", "stats")));
      let total = 0;
      replies.forEach((reply, i) => {
        throwIfError(reply, servers[i]);
        total += Number(reply.stats?.get("curr_items") ?? 0);
      });
      return total;
    },

    scan,
    describe,
    read,
    write,
    delete: deleteKeys,

    expire: (key, ttlMs) => touch(key, ttlMs),
    persist: (key) => touch(key, null),

    async rename(): Promise<void> {
      throw new DriverError("UNSUPPORTED", "memcached cannot rename keys.");
    },

    increment,

    countPrefix: (prefix, prefixOptions = {}) => walkPrefix(prefix, prefixOptions, null),

    deletePrefix: (prefix, prefixOptions = {}) =>
      walkPrefix(prefix, prefixOptions, (server, keys) => pipelineCount(server, keys.map((k) => `md ${metaKey(k)}\r\n`), "HD")),

    async expirePrefix(prefix, ttlMs, prefixOptions = {}) {
      return walkPrefix(prefix, prefixOptions, async (server, keys) => {
        const ttl = await ttlToken(ttlMs, server);
        return pipelineCount(server, keys.map((k) => `mg ${metaKey(k)} T${ttl}\r\n`), "HD");
      });
    },

    stats,

    async dump(key) {
      const reply = await command(connectionFor(key), `mg ${metaKey(key)} v t f\r\n`);
      if (reply.status === "EN") return null;
      const header = Buffer.alloc(4);
      header.writeUInt32BE(Number(reply.flags.get("f") ?? 0));
      return { payload: Buffer.concat([header, reply.value ?? Buffer.alloc(0)]), ttlMs: remainingMs(reply.flags.get("t")) };
    },

    async restore(key, payload, restoreOptions) {
      if (payload.length < 4) throw new DriverError("INVALID_ARGUMENT", "This is not a memcached dump.");
      await write(key, payload.subarray(4), {
        ttlMs: restoreOptions.ttlMs,
        flags: payload.readUInt32BE(0),
        ifAbsent: !restoreOptions.replace,
      });
    },

    async flush() {
      await Promise.all(connections.map((connection) => command(connection, "flush_all\r\n")));
    },

    async dispose() {
      for (const connection of connections) connection.close();
    },
  };
  return driver;
}

function slabSummary(slabs: Map<string, string>): { id: number; chunkSize: number; usedChunks: number; totalChunks: number }[] {
  const byId = new Map<number, { id: number; chunkSize: number; usedChunks: number; totalChunks: number }>();
  for (const [name, value] of slabs) {
    const match = /^(\d+):(chunk_size|used_chunks|total_chunks)$/.exec(name);
    if (!match) continue;
    const id = Number(match[1]);
    const row = byId.get(id) ?? { id, chunkSize: 0, usedChunks: 0, totalChunks: 0 };
    if (match[2] === "chunk_size") row.chunkSize = Number(value);
    else if (match[2] === "used_chunks") row.usedChunks = Number(value);
    else row.totalChunks = Number(value);
    byId.set(id, row);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}
