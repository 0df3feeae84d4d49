/**
 * memcached driver: one server or a pool (keys placed like pymemcache's `HashClient`), meta commands for
 * reads and writes (value, TTL, flags and CAS in one round trip; base64 keys so any bytes work). The listing
 * is in `listing.ts`, the statistics in `stats.ts`, the connections in `pool.ts`.
 */
import { ABSENT_DIGEST, valueDigest } from "../digest";
import { DriverError } from "../errors";
import type { DriverFactory, KeyMeta, PingResult, ReadRequest, StringRead, WriteOptions } from "../types";
import { metaKey, metaSet, throwIfError } from "./connection";
import { memcachedConsole } from "./console";
import { scanKeys, walkPrefix } from "./listing";
import { MemcachedPool } from "./pool";
import { memcachedCapabilitiesFor, type MemcachedSettings } from "./settings";
import { memcachedServerOps, numberOrNull, readStats } from "./stats";

/** A driver over validated settings (`memcachedSettingsSchema`); it connects on first use. */
export const createMemcachedDriver: DriverFactory<MemcachedSettings> = ({ settings, secrets, timeoutMs }) => {
  const pool = new MemcachedPool(settings, secrets, timeoutMs);
  const capabilities = memcachedCapabilitiesFor(settings.maxItemBytes);
  const maxValueBytes = capabilities.maxValueBytes ?? 0;

  function remainingMs(t: string | undefined): number | null {
    if (t === undefined || t === "-1") return null;
    return Number(t) * 1000;
  }

  function checkValue(value: Buffer): void {
    if (value.length > maxValueBytes) {
      throw new DriverError(
        "TOO_LARGE",
        `The value has ${value.length} bytes; this memcached stores at most ${maxValueBytes} (item size limit ${settings.maxItemBytes} bytes, -I).`,
      );
    }
  }

  async function write(key: Buffer, value: Buffer, writeOptions: WriteOptions = {}): Promise<{ digest: string }> {
    metaKey(key);
    checkValue(value);
    const server = pool.serverOf(key);
    const connection = pool.connections[server];
    const digest = valueDigest(value);

    if (writeOptions.ifAbsent || writeOptions.expect === ABSENT_DIGEST) {
      const tokens = [`T${await pool.ttlToken(writeOptions.ttlMs ?? null, server)}`, `F${writeOptions.flags ?? 0}`, "ME"];
      const reply = await pool.command(connection, metaSet(key, value, tokens));
      if (reply.status === "NS") {
        if (writeOptions.ifAbsent) throw new DriverError("ALREADY_EXISTS", "The key already exists.");
        throw new DriverError("CONFLICT", "The key was created by someone else since it was loaded.");
      }
      return { digest };
    }

    const needsCurrent = writeOptions.expect !== undefined || writeOptions.ttlMs === undefined || writeOptions.flags === undefined;
    if (!needsCurrent) {
      const tokens = [`T${await pool.ttlToken(writeOptions.ttlMs ?? null, server)}`, `F${writeOptions.flags ?? 0}`];
      await pool.command(connection, metaSet(key, value, tokens));
      return { digest };
    }

    // Keeping TTL and flags means reading them first; the CAS token makes read-then-write one atomic
    // change, so a concurrent writer either loses cleanly or we retry on its fresh TTL and flags.
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await pool.command(connection, `mg ${metaKey(key)} t f c${writeOptions.expect !== undefined ? " v" : ""}\r\n`);
      if (writeOptions.expect !== undefined) {
        if (current.status === "EN") throw new DriverError("CONFLICT", "The key was deleted since it was loaded.");
        if (valueDigest(current.value ?? Buffer.alloc(0)) !== writeOptions.expect) {
          throw new DriverError("CONFLICT", "The value changed since it was loaded; nothing was overwritten.");
        }
      }
      const exists = current.status !== "EN";
      let ttl: number;
      if (writeOptions.ttlMs !== undefined) ttl = await pool.ttlToken(writeOptions.ttlMs, server);
      else if (!exists || current.flags.get("t") === "-1") ttl = 0;
      else ttl = Math.max(1, Number(current.flags.get("t")));
      const flags = writeOptions.flags ?? (exists ? Number(current.flags.get("f") ?? 0) : 0);
      const tokens = [`T${ttl}`, `F${flags}`];
      tokens.push(exists ? `C${current.flags.get("c")}` : "ME");
      const reply = await pool.command(connection, metaSet(key, value, tokens));
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
      const server = pool.serverOf(key);
      groups.set(server, [...(groups.get(server) ?? []), i]);
    });
    await Promise.all(
      [...groups].map(async ([server, indexes]) => {
        const payload = indexes.map((i) => `mg ${metaKey(keys[i])} s t f\r\n`).join("");
        const replies = await pool.connections[server].send(payload, indexes.map(() => "line"));
        replies.forEach((reply, j) => {
          throwIfError(reply, pool.servers[server]);
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
    const reply = await pool.command(pool.connectionFor(key), `mg ${metaKey(key)} v t f c\r\n`);
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
    const server = pool.serverOf(key);
    const reply = await pool.command(pool.connections[server], `mg ${metaKey(key)} T${await pool.ttlToken(ttlMs, server)}\r\n`);
    if (reply.status === "EN") throw new DriverError("NOT_FOUND", "The key does not exist (or has expired).");
  }

  async function increment(key: Buffer, delta: number): Promise<string> {
    if (!Number.isSafeInteger(delta)) {
      throw new DriverError("INVALID_ARGUMENT", "memcached counters are unsigned 64-bit integers: the step must be a whole number.");
    }
    const connection = pool.connectionFor(key);
    if (delta < 0) {
      const current = await pool.command(connection, `mg ${metaKey(key)} v\r\n`);
      const text = current.value?.toString("latin1").trim();
      if (current.status === "VA" && text !== undefined && /^\d+$/.test(text) && BigInt(text) < BigInt(-delta)) {
        throw new DriverError("INVALID_ARGUMENT", `memcached counters cannot go below 0 (the value is ${text}); memcached would stop at 0.`);
      }
    }
    const mode = delta < 0 ? "MD" : "MI";
    // A missing counter starts at the step (as Redis' INCRBY would from 0): `N0` creates it with `J`.
    const reply = await pool.command(connection, `ma ${metaKey(key)} v N0 J${Math.max(delta, 0)} D${Math.abs(delta)} ${mode}\r\n`);
    if (reply.status !== "VA") throw new DriverError("SERVER_ERROR", `memcached did not return the counter (${reply.line}).`);
    return (reply.value ?? Buffer.alloc(0)).toString("latin1").trim();
  }

  async function deleteKeys(keys: Buffer[]): Promise<number> {
    const groups = new Map<number, Buffer[]>();
    for (const key of keys) {
      metaKey(key);
      const server = pool.serverOf(key);
      groups.set(server, [...(groups.get(server) ?? []), key]);
    }
    let deleted = 0;
    await Promise.all(
      [...groups].map(async ([server, group]) => {
        const replies = await pool.connections[server].send(group.map((k) => `md ${metaKey(k)}\r\n`).join(""), group.map(() => "line"));
        for (const reply of replies) {
          throwIfError(reply, pool.servers[server]);
          if (reply.status === "HD") deleted++;
        }
      }),
    );
    return deleted;
  }

  /**
   * Expiry of many keys, pipelined per server. With `onlyWithoutTtl` it is two steps: `mg <key> t` finds the
   * keys whose remaining TTL is -1 (never), then `mg <key> T<ttl>` touches those. memcached has no
   * conditional touch and a touch does not change the CAS value, so a client that gives one of these keys a
   * TTL between the two pipelines (a few milliseconds) has it overwritten: narrow, not closed.
   */
  async function expireKeys(keys: Buffer[], ttlMs: number | null, options: { onlyWithoutTtl?: boolean } = {}): Promise<number> {
    const groups = new Map<number, Buffer[]>();
    for (const key of keys) {
      metaKey(key);
      const server = pool.serverOf(key);
      groups.set(server, [...(groups.get(server) ?? []), key]);
    }
    const counts = await Promise.all(
      [...groups].map(async ([server, group]) => {
        let targets = group;
        if (options.onlyWithoutTtl && ttlMs !== null) {
          const replies = await pool.connections[server].send(group.map((k) => `mg ${metaKey(k)} t\r\n`).join(""), group.map(() => "line"));
          targets = group.filter((_, i) => {
            throwIfError(replies[i], pool.servers[server]);
            return replies[i].status === "HD" && replies[i].flags.get("t") === "-1";
          });
        }
        if (targets.length === 0) return 0;
        const ttl = await pool.ttlToken(ttlMs, server);
        return pool.pipelineCount(server, targets.map((k) => `mg ${metaKey(k)} T${ttl}\r\n`), "HD");
      }),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  return {
    kind: "memcached",
    capabilities,

    async ping(): Promise<PingResult> {
      const started = performance.now();
      const replies = await Promise.all(pool.connections.map((connection) => pool.command(connection, "version\r\n")));
      const version = replies[0].line.startsWith("VERSION ") ? replies[0].line.slice(8) : null;
      return { latencyMs: performance.now() - started, version };
    },

    async keyCount(): Promise<number | null> {
      const replies = await Promise.all(pool.connections.map((connection) => connection.one("stats\r\n", "stats")));
      let total = 0;
      replies.forEach((reply, i) => {
        throwIfError(reply, pool.servers[i]);
        total += Number(reply.stats?.get("curr_items") ?? 0);
      });
      return total;
    },

    scan: (request) => scanKeys(pool, request),
    describe,
    read,
    write,
    delete: deleteKeys,

    expire: (key, ttlMs) => touch(key, ttlMs),
    persist: (key) => touch(key, null),
    expireKeys,

    async rename(): Promise<void> {
      throw new DriverError("UNSUPPORTED", "memcached cannot rename keys.");
    },

    increment,

    countPrefix: (prefix, prefixOptions = {}) => walkPrefix(pool, prefix, prefixOptions, null),

    deletePrefix: (prefix, prefixOptions = {}) =>
      walkPrefix(pool, prefix, prefixOptions, (server, keys) => pool.pipelineCount(server, keys.map((k) => `md ${metaKey(k)}\r\n`), "HD")),

    async expirePrefix(prefix, ttlMs, prefixOptions = {}) {
      return walkPrefix(pool, prefix, prefixOptions, async (server, keys) => {
        const ttl = await pool.ttlToken(ttlMs, server);
        return pool.pipelineCount(server, keys.map((k) => `mg ${metaKey(k)} T${ttl}\r\n`), "HD");
      });
    },

    stats: () => readStats(pool),
    server: memcachedServerOps(pool),

    console: memcachedConsole(pool),

    async dump(key) {
      const reply = await pool.command(pool.connectionFor(key), `mg ${metaKey(key)} v t f\r\n`);
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
      await Promise.all(pool.connections.map((connection) => pool.command(connection, "flush_all\r\n")));
    },

    async dispose() {
      pool.close();
    },
  };
};
