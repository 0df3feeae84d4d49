/**
 * The Redis driver: standalone (host/port or URL, ACL, TLS), Sentinel and Cluster, on ioredis.
 *
 * Keys and values stay `Buffer`s end to end (`callBuffer`). The connection and its failure handling are in
 * `client.ts`; reads in `read.ts`, keyspace walks in `keyspace.ts`, collection edits in `collections.ts`,
 * INFO in `stats.ts`. This class puts them together behind the `Driver` interface, with the string writes,
 * expiries, renames and counters.
 */
import { Cluster } from "ioredis";
import { DIGEST_MAX_BYTES, SAMPLE_BYTES, stringDigest } from "../digest";
import { DriverError } from "../errors";
import type { ServerOps } from "../server-ops";
import type {
  Capabilities,
  CollectionOps,
  Driver,
  DriverKind,
  KeyHead,
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
import { type Client, RedisConnection } from "./client";
import { redisCollectionOps } from "./collections";
import { each, scanKeys, walkPrefix } from "./keyspace";
import { KnownTypes } from "./known-types";
import { describeHeads, readKey } from "./read";
import { buf, checkTtl, num, text } from "./replies";
import { parseInfo, WRITE_EXPECT_SCRIPT } from "./scripts";
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
import { readStats } from "./stats";

const DELETE_CHUNK = 1000;

const CAPABILITIES: Record<Topology["kind"], Capabilities> = {
  redis: redisCapabilities,
  "redis-sentinel": redisSentinelCapabilities,
  "redis-cluster": redisClusterCapabilities,
};

class RedisDriver implements Driver {
  readonly kind: DriverKind;
  readonly capabilities: Capabilities;
  readonly collections: CollectionOps;
  readonly server: ServerOps;

  private readonly connection: RedisConnection;
  /** Types of keys listed or read lately: a collection's page then needs one round trip, not two. */
  private readonly knownTypes = new KnownTypes();
  private version: string | null = null;

  constructor(topology: Topology, secrets: RedisSecrets, timeoutMs: number) {
    this.kind = topology.kind;
    this.capabilities = CAPABILITIES[topology.kind];
    this.connection = new RedisConnection(topology, secrets, timeoutMs);
    this.collections = redisCollectionOps(this.connection);
    this.server = redisServerOps(this.connection, this.capabilities);
  }

  async ping(): Promise<PingResult> {
    return this.connection.run(async (client) => {
      const started = performance.now();
      await this.connection.call(client, "PING");
      const latencyMs = performance.now() - started;
      if (this.version === null) {
        const info = parseInfo(text(await this.connection.call(this.connection.primaries(client)[0], "INFO", "server")));
        this.version = info.get("redis_version") ?? null;
      }
      return { latencyMs, version: this.version };
    });
  }

  async keyCount(): Promise<number> {
    return this.connection.run(async (client) => {
      const sizes = await Promise.all(this.connection.primaries(client).map((node) => this.connection.call(node, "DBSIZE")));
      return sizes.reduce<number>((sum, size) => sum + num(size), 0);
    });
  }

  async scan(request: ScanRequest): Promise<ScanPage> {
    return scanKeys(this.connection, request);
  }

  async describe(keys: Buffer[]): Promise<KeyMeta[]> {
    return this.describeHeads(keys, 0);
  }

  /** DESCRIBE_SCRIPT per key, all on the wire at once: one round trip for the whole page. */
  async describeHeads(keys: Buffer[], headBytes: number): Promise<KeyHead[]> {
    return describeHeads(this.connection, this.knownTypes, keys, headBytes);
  }

  /** MEMORY USAGE with SAMPLES 0 per key, all on the wire at once. */
  async memoryUsage(keys: Buffer[]): Promise<(number | null)[]> {
    if (keys.length === 0) return [];
    return this.connection.run(async (client) => {
      const replies = await Promise.all(keys.map((key) => this.connection.call(client, "MEMORY", "USAGE", key, "SAMPLES", 0)));
      return replies.map((reply) => (reply === null ? null : num(reply)));
    });
  }

  async read(key: Buffer, request: ReadRequest = {}): Promise<ReadResult> {
    return readKey(this.connection, this.knownTypes, key, request);
  }

  async write(key: Buffer, value: Buffer, options: WriteOptions = {}): Promise<{ digest: string }> {
    if (value.length > MAX_BULK) throw new DriverError("TOO_LARGE", `Values are limited to ${MAX_BULK} bytes`);
    if (key.length > MAX_BULK) throw new DriverError("TOO_LARGE", `Keys are limited to ${MAX_BULK} bytes`);
    const { ttlMs, ifAbsent, expect } = options;
    if (typeof ttlMs === "number") checkTtl(ttlMs);
    const ttlArgs: (string | number)[] = ttlMs === undefined ? ["KEEPTTL"] : ttlMs === null ? [] : ["PX", ttlMs];
    return this.connection.run(async (client) => {
      if (expect !== undefined) {
        const mode = ttlMs === undefined ? "keep" : ttlMs === null ? "persist" : "px";
        const outcome = text(
          await this.connection.script(client, WRITE_EXPECT_SCRIPT, [key], [value, expect, mode, ttlMs ?? 0, ifAbsent ? 1 : 0, DIGEST_MAX_BYTES, SAMPLE_BYTES]),
        );
        if (outcome === "exists") throw new DriverError("ALREADY_EXISTS", "The key already exists");
        if (outcome === "conflict") {
          throw new DriverError("CONFLICT", "The value changed since it was loaded; nothing was written");
        }
      } else {
        const reply = await this.connection.call(client, "SET", key, value, ...ttlArgs, ...(ifAbsent ? ["NX"] : []));
        if (reply === null) throw new DriverError("ALREADY_EXISTS", "The key already exists");
      }
      return { digest: stringDigest(value) };
    });
  }

  async delete(keys: Buffer[]): Promise<number> {
    if (keys.length === 0) return 0;
    return this.connection.run(async (client) => {
      // A cluster refuses multi-key commands across slots; each key's UNLINK is routed to its node.
      if (client instanceof Cluster) return each(keys, (key) => this.connection.call(client, "UNLINK", key));
      let removed = 0;
      for (let i = 0; i < keys.length; i += DELETE_CHUNK) {
        removed += num(await this.connection.call(client, "UNLINK", ...keys.slice(i, i + DELETE_CHUNK)));
      }
      return removed;
    });
  }

  async expire(key: Buffer, ttlMs: number): Promise<void> {
    checkTtl(ttlMs);
    await this.connection.run(async (client) => {
      if (num(await this.connection.call(client, "PEXPIRE", key, ttlMs)) === 0) throw new DriverError("NOT_FOUND", "The key does not exist");
    });
  }

  async persist(key: Buffer): Promise<void> {
    await this.connection.run(async (client) => {
      if (num(await this.connection.call(client, "PERSIST", key)) === 1) return;
      if (num(await this.connection.call(client, "EXISTS", key)) === 0) throw new DriverError("NOT_FOUND", "The key does not exist");
    });
  }

  async rename(key: Buffer, newKey: Buffer, options: { ifAbsent?: boolean } = {}): Promise<void> {
    await this.connection.run(async (client) => {
      try {
        if (options.ifAbsent) {
          if (num(await this.connection.call(client, "RENAMENX", key, newKey)) === 0) {
            throw new DriverError("ALREADY_EXISTS", "The new key already exists");
          }
        } else {
          await this.connection.call(client, "RENAME", key, newKey);
        }
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("CROSSSLOT")) throw error;
        await this.moveAcrossSlots(client, key, newKey, options.ifAbsent === true);
      }
    });
  }

  /** RENAME across cluster slots: DUMP and RESTORE with the remaining TTL, then drop the old key. */
  private async moveAcrossSlots(client: Client, key: Buffer, newKey: Buffer, ifAbsent: boolean): Promise<void> {
    const [payload, ttl] = await Promise.all([this.connection.call(client, "DUMP", key), this.connection.call(client, "PTTL", key)]);
    if (payload === null) throw new DriverError("NOT_FOUND", "The key does not exist");
    const ttlMs = num(ttl);
    await this.connection.call(client, "RESTORE", newKey, ttlMs > 0 ? ttlMs : 0, buf(payload), ...(ifAbsent ? [] : ["REPLACE"]));
    await this.connection.call(client, "UNLINK", key);
  }

  async increment(key: Buffer, delta: number): Promise<string> {
    if (!Number.isFinite(delta)) throw new DriverError("INVALID_ARGUMENT", "The increment must be a finite number");
    return this.connection.run(async (client) => {
      if (Number.isSafeInteger(delta)) {
        try {
          return text(await this.connection.call(client, "INCRBY", key, delta));
        } catch (error) {
          // A stored float refuses INCRBY but takes INCRBYFLOAT.
          if (!(error instanceof Error) || !/not an integer/.test(error.message)) throw error;
        }
      }
      return text(await this.connection.call(client, "INCRBYFLOAT", key, String(delta)));
    });
  }

  async countPrefix(prefix: Buffer, options: PrefixOptions = {}): Promise<PrefixResult> {
    return walkPrefix(this.connection, prefix, options, null);
  }

  async deletePrefix(prefix: Buffer, options: PrefixOptions = {}): Promise<PrefixResult> {
    return walkPrefix(this.connection, prefix, options, (node, keys) => {
      // One multi-key UNLINK is cheapest, but a cluster node refuses keys of different slots in one command.
      if (this.kind !== "redis-cluster") return this.connection.call(node, "UNLINK", ...keys).then(num);
      return each(keys, (key) => this.connection.call(node, "UNLINK", key));
    });
  }

  async expirePrefix(prefix: Buffer, ttlMs: number | null, options: PrefixOptions = {}): Promise<PrefixResult> {
    if (ttlMs !== null) checkTtl(ttlMs);
    return walkPrefix(this.connection, prefix, options, (node, keys) =>
      each(keys, (key) => (ttlMs === null ? this.connection.call(node, "PERSIST", key) : this.connection.call(node, "PEXPIRE", key, ttlMs))),
    );
  }

  async stats(): Promise<ServerStats> {
    const stats = await readStats(this.connection);
    this.version = stats.version;
    return stats;
  }

  async dump(key: Buffer): Promise<{ payload: Buffer; ttlMs: number | null } | null> {
    return this.connection.run(async (client) => {
      const [payload, ttl] = await Promise.all([this.connection.call(client, "DUMP", key), this.connection.call(client, "PTTL", key)]);
      if (payload === null) return null;
      const ttlMs = num(ttl);
      return { payload: buf(payload), ttlMs: ttlMs >= 0 ? ttlMs : null };
    });
  }

  async restore(key: Buffer, payload: Buffer, options: { ttlMs: number | null; replace: boolean }): Promise<void> {
    if (options.ttlMs !== null) checkTtl(options.ttlMs);
    await this.connection.run(async (client) => {
      await this.connection.call(client, "RESTORE", key, options.ttlMs ?? 0, payload, ...(options.replace ? ["REPLACE"] : []));
    });
  }

  async flush(): Promise<void> {
    await this.connection.run(async (client) => {
      await Promise.all(this.connection.primaries(client).map((node) => this.connection.call(node, "FLUSHDB")));
    });
  }

  async dispose(): Promise<void> {
    await this.connection.dispose();
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
