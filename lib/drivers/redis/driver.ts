/**
 * The Redis driver: standalone (host/port or URL, ACL, TLS), Sentinel and Cluster, on ioredis.
 *
 * Keys and values stay `Buffer`s end to end (`callBuffer`). The connection and its failure handling are in
 * `client.ts`; reads in `read.ts`, keyspace walks in `keyspace.ts`, collection edits in `collections.ts`,
 * INFO in `stats.ts`. `redisDriver` puts them together behind the `Driver` interface, with the string writes,
 * expiries, renames and counters.
 */
import { Cluster } from "ioredis";
import { DIGEST_MAX_BYTES, SAMPLE_BYTES, stringDigest } from "../digest";
import { DriverError } from "../errors";
import { toDriverError } from "./errors";
import type {
  Capabilities,
  Driver,
  DriverFactory,
  KeyHead,
  KeyInspection,
  KeyMeta,
  PingResult,
  PrefixOptions,
  PrefixResult,
  ReadRequest,
  ReadResult,
  ScanPage,
  ScanRequest,
  ServerStats,
  WriteOptions,
} from "../types";
import type { KeyspaceListener, KeyspaceWatch } from "../operations";
import { type Client, RedisConnection } from "./client";
import { redisCollectionOps } from "./collections";
import { RedisConsole } from "./console";
import { each, scanKeys, walkPrefix } from "./keyspace";
import { watchKeyspace } from "./keyspace-events";
import { KnownTypes } from "./known-types";
import { describeHeads, inspectByScript, readKey } from "./read";
import { buf, checkTtl, num, text } from "./replies";
import { EXPIRE_IF_NO_TTL_SCRIPT, parseInfo, WRITE_EXPECT_SCRIPT } from "./scripts";
import type { ServerOps } from "../server-ops";
import {
  MAX_BULK,
  redisCapabilities,
  redisClusterCapabilities,
  redisSentinelCapabilities,
  type RedisClusterSettings,
  type RedisSecrets,
  type RedisSentinelSettings,
  type RedisSettings,
  type Topology,
} from "./settings";
import { redisServerOps } from "./server";
import { readCpuSeconds, readStats } from "./stats";
import { serverLoadOf } from "../../connections/server-load";

const DELETE_CHUNK = 1000;

const CAPABILITIES: Record<Topology["kind"], Capabilities> = {
  redis: redisCapabilities,
  "redis-sentinel": redisSentinelCapabilities,
  "redis-cluster": redisClusterCapabilities,
};

/** A probe the server refused (an ACL, a command it lacks) leaves its figure out; a lost connection or a timeout still fails. */
function refusedProbe(error: unknown): null {
  const mapped = toDriverError(error);
  if (mapped.code === "FORBIDDEN" || mapped.code === "SERVER_ERROR") return null;
  throw mapped;
}

/** The three Redis kinds share one driver; the topology says which deployment it talks to. */
function redisDriver(topology: Topology, secrets: RedisSecrets, timeoutMs: number): Driver {
  const connection = new RedisConnection(topology, secrets, timeoutMs);
  const console = new RedisConsole(topology, secrets, timeoutMs);
  /** Types of keys listed or read lately: a collection's page then needs one round trip, not two. */
  const knownTypes = new KnownTypes();
  let version: string | null = null;
  /** Keyspace notification subscriptions, ended with the driver. */
  const watches = new Set<{ stop(): void }>();
  const capabilities = CAPABILITIES[topology.kind];
  const server: ServerOps = redisServerOps(connection, capabilities);

  /** RENAME across cluster slots: DUMP and RESTORE with the remaining TTL, then drop the old key. */
  async function moveAcrossSlots(client: Client, key: Buffer, newKey: Buffer, ifAbsent: boolean): Promise<void> {
    const [payload, ttl] = await Promise.all([connection.call(client, "DUMP", key), connection.call(client, "PTTL", key)]);
    if (payload === null) throw new DriverError("NOT_FOUND", "The key does not exist");
    const ttlMs = num(ttl);
    await connection.call(client, "RESTORE", newKey, ttlMs > 0 ? ttlMs : 0, buf(payload), ...(ifAbsent ? [] : ["REPLACE"]));
    await connection.call(client, "UNLINK", key);
  }

  /** MEMORY USAGE with SAMPLES 0 per key, all on the wire at once. */
  async function memoryUsage(keys: Buffer[]): Promise<(number | null)[]> {
    if (keys.length === 0) return [];
    return connection.run(async (client) => {
      const replies = await Promise.all(keys.map((key) => connection.call(client, "MEMORY", "USAGE", key, "SAMPLES", 0)));
      return replies.map((reply) => (reply === null ? null : num(reply)));
    });
  }

  /** How busy the server is, as every paced walk over this driver reads it (lib/connections/server-load.ts): one reading a second, shared. */
  const load = () => serverLoadOf(driver, () => readCpuSeconds(connection));

  /** OBJECT ENCODING per key, all on the wire at once. */
  async function encodings(keys: Buffer[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    return connection.run(async (client) => {
      const replies = await Promise.all(keys.map((key) => connection.call(client, "OBJECT", "ENCODING", key)));
      return replies.map((reply) => (reply === null ? null : text(reply)));
    });
  }

  const driver: Driver = {
    kind: topology.kind,
    capabilities,
    collections: redisCollectionOps(connection),
    server,

    async ping(): Promise<PingResult> {
      return connection.run(async (client) => {
        const started = performance.now();
        await connection.call(client, "PING");
        const latencyMs = performance.now() - started;
        if (version === null) {
          const info = parseInfo(text(await connection.call(connection.primaries(client)[0], "INFO", "server")));
          version = info.get("redis_version") ?? null;
        }
        return { latencyMs, version };
      });
    },

    async keyCount(): Promise<number> {
      return connection.run(async (client) => {
        const sizes = await Promise.all(connection.primaries(client).map((node) => connection.call(node, "DBSIZE")));
        return sizes.reduce<number>((sum, size) => sum + num(size), 0);
      });
    },

    async scan(request: ScanRequest): Promise<ScanPage> {
      return scanKeys(connection, request);
    },

    async describe(keys: Buffer[]): Promise<KeyMeta[]> {
      return describeHeads(connection, knownTypes, keys, 0);
    },

    /** DESCRIBE_SCRIPT per key, all on the wire at once: one round trip for the whole page. */
    async describeHeads(keys: Buffer[], headBytes: number): Promise<KeyHead[]> {
      return describeHeads(connection, knownTypes, keys, headBytes);
    },

    memoryUsage,
    encodings,

    /**
     * One INSPECT_MANY_SCRIPT per fifty keys where scripts run over several keys; else describe, MEMORY USAGE
     * and OBJECT ENCODING per key, all on the wire together, a refused probe leaving its figure null.
     */
    async inspect(keys: Buffer[]): Promise<KeyInspection[]> {
      const scripted = await inspectByScript(connection, keys);
      if (scripted) return scripted;
      const [metas, usage, encoded] = await Promise.all([
        describeHeads(connection, knownTypes, keys, 0),
        memoryUsage(keys).catch(refusedProbe),
        encodings(keys).catch(refusedProbe),
      ]);
      return metas.map((meta, i) => ({ ...meta, memoryUsage: usage?.[i] ?? null, encoding: encoded?.[i] ?? null }));
    },

    async read(key: Buffer, request: ReadRequest = {}): Promise<ReadResult> {
      return readKey(connection, knownTypes, key, request);
    },

    async write(key: Buffer, value: Buffer, options: WriteOptions = {}): Promise<{ digest: string }> {
      if (value.length > MAX_BULK) throw new DriverError("TOO_LARGE", `Values are limited to ${MAX_BULK} bytes`);
      if (key.length > MAX_BULK) throw new DriverError("TOO_LARGE", `Keys are limited to ${MAX_BULK} bytes`);
      const { ttlMs, ifAbsent, expect } = options;
      if (typeof ttlMs === "number") checkTtl(ttlMs);
      const ttlArgs: (string | number)[] = ttlMs === undefined ? ["KEEPTTL"] : ttlMs === null ? [] : ["PX", ttlMs];
      return connection.run(async (client) => {
        if (expect !== undefined) {
          const mode = ttlMs === undefined ? "keep" : ttlMs === null ? "persist" : "px";
          const outcome = text(
            await connection.script(client, WRITE_EXPECT_SCRIPT, [key], [value, expect, mode, ttlMs ?? 0, ifAbsent ? 1 : 0, DIGEST_MAX_BYTES, SAMPLE_BYTES]),
          );
          if (outcome === "exists") throw new DriverError("ALREADY_EXISTS", "The key already exists");
          if (outcome === "conflict") {
            throw new DriverError("CONFLICT", "The value changed since it was loaded; nothing was written");
          }
        } else {
          const reply = await connection.call(client, "SET", key, value, ...ttlArgs, ...(ifAbsent ? ["NX"] : []));
          if (reply === null) throw new DriverError("ALREADY_EXISTS", "The key already exists");
        }
        return { digest: stringDigest(value) };
      });
    },

    async delete(keys: Buffer[]): Promise<number> {
      if (keys.length === 0) return 0;
      return connection.run(async (client) => {
        // A cluster refuses multi-key commands across slots; each key's UNLINK is routed to its node.
        if (client instanceof Cluster) return each(keys, (key) => connection.call(client, "UNLINK", key));
        let removed = 0;
        for (let i = 0; i < keys.length; i += DELETE_CHUNK) {
          removed += num(await connection.call(client, "UNLINK", ...keys.slice(i, i + DELETE_CHUNK)));
        }
        return removed;
      });
    },

    async expire(key: Buffer, ttlMs: number): Promise<void> {
      checkTtl(ttlMs);
      await connection.run(async (client) => {
        if (num(await connection.call(client, "PEXPIRE", key, ttlMs)) === 0) throw new DriverError("NOT_FOUND", "The key does not exist");
      });
    },

    async persist(key: Buffer): Promise<void> {
      await connection.run(async (client) => {
        if (num(await connection.call(client, "PERSIST", key)) === 1) return;
        if (num(await connection.call(client, "EXISTS", key)) === 0) throw new DriverError("NOT_FOUND", "The key does not exist");
      });
    },

    async rename(key: Buffer, newKey: Buffer, options: { ifAbsent?: boolean } = {}): Promise<void> {
      await connection.run(async (client) => {
        try {
          if (options.ifAbsent) {
            if (num(await connection.call(client, "RENAMENX", key, newKey)) === 0) {
              throw new DriverError("ALREADY_EXISTS", "The new key already exists");
            }
          } else {
            await connection.call(client, "RENAME", key, newKey);
          }
        } catch (error) {
          if (!(error instanceof Error) || !error.message.startsWith("CROSSSLOT")) throw error;
          await moveAcrossSlots(client, key, newKey, options.ifAbsent === true);
        }
      });
    },



    async increment(key: Buffer, delta: number): Promise<string> {
      if (!Number.isFinite(delta)) throw new DriverError("INVALID_ARGUMENT", "The increment must be a finite number");
      return connection.run(async (client) => {
        if (Number.isSafeInteger(delta)) {
          try {
            return text(await connection.call(client, "INCRBY", key, delta));
          } catch (error) {
            // A stored float refuses INCRBY but takes INCRBYFLOAT.
            if (!(error instanceof Error) || !/not an integer/.test(error.message)) throw error;
          }
        }
        return text(await connection.call(client, "INCRBYFLOAT", key, String(delta)));
      });
    },

    /**
     * One command per key, routed by slot (so a cluster takes it): PEXPIRE, PERSIST, or for keys without an
     * expiry `PEXPIRE … NX` (Redis 7+) or EXPIRE_IF_NO_TTL_SCRIPT before 7, both one atomic step per key.
     */
    async expireKeys(keys: Buffer[], ttlMs: number | null, options: { onlyWithoutTtl?: boolean } = {}): Promise<number> {
      if (ttlMs !== null) checkTtl(ttlMs);
      if (keys.length === 0) return 0;
      return connection.run(async (client) => {
        if (ttlMs === null) return each(keys, (key) => connection.call(client, "PERSIST", key));
        if (!options.onlyWithoutTtl) return each(keys, (key) => connection.call(client, "PEXPIRE", key, ttlMs));
        if (version === null) {
          const info = parseInfo(text(await connection.call(connection.primaries(client)[0], "INFO", "server")));
          version = info.get("redis_version") ?? null;
        }
        if (Number(version?.split(".")[0] ?? 0) >= 7) return each(keys, (key) => connection.call(client, "PEXPIRE", key, ttlMs, "NX"));
        return each(keys, (key) => connection.script(client, EXPIRE_IF_NO_TTL_SCRIPT, [key], [ttlMs]));
      });
    },

    async countPrefix(prefix: Buffer, options: PrefixOptions = {}): Promise<PrefixResult> {
      return walkPrefix(connection, prefix, options, load, null);
    },

    async deletePrefix(prefix: Buffer, options: PrefixOptions = {}): Promise<PrefixResult> {
      return walkPrefix(connection, prefix, options, load, (node, keys) => {
        // One multi-key UNLINK is cheapest, but a cluster node refuses keys of different slots in one command.
        if (topology.kind !== "redis-cluster") return connection.call(node, "UNLINK", ...keys).then(num);
        return each(keys, (key) => connection.call(node, "UNLINK", key));
      });
    },

    async expirePrefix(prefix: Buffer, ttlMs: number | null, options: PrefixOptions = {}): Promise<PrefixResult> {
      if (ttlMs !== null) checkTtl(ttlMs);
      return walkPrefix(connection, prefix, options, load, (node, keys) =>
        each(keys, (key) => (ttlMs === null ? connection.call(node, "PERSIST", key) : connection.call(node, "PEXPIRE", key, ttlMs))),
      );
    },

    async stats(): Promise<ServerStats> {
      const stats = await readStats(connection);
      version = stats.version;
      return stats;
    },

    serverCpuSeconds(): Promise<Record<string, number>> {
      return readCpuSeconds(connection);
    },

    async dump(key: Buffer): Promise<{ payload: Buffer; ttlMs: number | null } | null> {
      return connection.run(async (client) => {
        const [payload, ttl] = await Promise.all([connection.call(client, "DUMP", key), connection.call(client, "PTTL", key)]);
        if (payload === null) return null;
        const ttlMs = num(ttl);
        return { payload: buf(payload), ttlMs: ttlMs >= 0 ? ttlMs : null };
      });
    },

    async restore(key: Buffer, payload: Buffer, options: { ttlMs: number | null; replace: boolean }): Promise<void> {
      if (options.ttlMs !== null) checkTtl(options.ttlMs);
      await connection.run(async (client) => {
        await connection.call(client, "RESTORE", key, options.ttlMs ?? 0, payload, ...(options.replace ? ["REPLACE"] : []));
      });
    },

    async flush(): Promise<void> {
      await connection.run(async (client) => {
        await Promise.all(connection.primaries(client).map((node) => connection.call(node, "FLUSHDB")));
      });
    },

    console,

    async watchKeyspace(listener: KeyspaceListener): Promise<KeyspaceWatch> {
      const watch = await watchKeyspace(connection, listener);
      if (watch.live) watches.add(watch);
      return watch;
    },

    async dispose(): Promise<void> {
      for (const watch of watches) watch.stop();
      watches.clear();
      await connection.dispose();
    },
  };
  return driver;
}

export const createRedisDriver: DriverFactory<RedisSettings> = ({ settings, secrets, timeoutMs }) =>
  redisDriver({ kind: "redis", settings }, secrets, timeoutMs);

export const createRedisSentinelDriver: DriverFactory<RedisSentinelSettings> = ({ settings, secrets, timeoutMs }) =>
  redisDriver({ kind: "redis-sentinel", settings }, secrets, timeoutMs);

export const createRedisClusterDriver: DriverFactory<RedisClusterSettings> = ({ settings, secrets, timeoutMs }) =>
  redisDriver({ kind: "redis-cluster", settings }, secrets, timeoutMs);
