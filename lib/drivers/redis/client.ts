/**
 * The Redis driver's connection: one lazily opened ioredis client (standalone, Sentinel or Cluster) with a
 * connect deadline and a per-command timeout, no background retries and no offline queue, so an unreachable
 * or stalled server answers `CONNECTION_REFUSED` or `TIMEOUT` within the profile's limit; the next call opens
 * a fresh connection (which, under Sentinel, asks the sentinels for the current primary again). Scripts go
 * out as EVALSHA, and the read-only ones are done with plain commands for ACL users without `@scripting`.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { valueDigest } from "../digest";
import { DriverError } from "../errors";
import { toDriverError } from "./errors";
import { buf, num, text, type Reply } from "./replies";
import { EXPIRE_IF_NO_TTL_SCRIPT, DIGEST_PAGE_SCRIPT, WRITE_EXPECT_SCRIPT, type Script } from "./scripts";
import type { RedisSecrets, TlsSettings, Topology } from "./settings";

export type Client = Redis | Cluster;
type BufferCommand = (...args: (string | Buffer | number)[]) => Promise<Reply>;

export function tlsOptions(tls: TlsSettings | undefined, secrets: RedisSecrets, host?: string): TlsOptions | undefined {
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

export function nodeAddressOf(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

export class RedisConnection {
  private client: Client | null = null;
  private opening: Promise<Client> | null = null;
  private lastClientError: Error | null = null;
  private disposed = false;
  /** Set once the server answered NOPERM to a script: this ACL user may not run Lua. */
  private scriptsDenied = false;

  constructor(
    private readonly topology: Topology,
    private readonly secrets: RedisSecrets,
    readonly timeoutMs: number,
  ) {}

  get kind(): Topology["kind"] {
    return this.topology.kind;
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
      // A SCAN goes out at once rather than at the next turn of the event loop: a walk sends the next SCAN
      // before it folds the page it has, and the fold must not hold the request back.
      autoPipeliningIgnoredCommands: ["scan"],
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
  async run<T>(op: (client: Client) => Promise<T>): Promise<T> {
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
   * Sends the commands that `issue` starts (synchronously) in one write, at once: auto-pipelining is set aside
   * while they are issued and the socket is corked, so they leave in one writev when `issue` returns instead of
   * at the next turn of the event loop. For the few commands of one request (opening a key is four): ioredis 6's
   * auto-pipeline builds a Pipeline per batch, which cost about as much CPU as the rest of the request and kept
   * enough garbage alive to be promoted at every scavenge. A Cluster's commands go to several nodes' sockets:
   * there, and on a client not ready, `issue` runs as is (auto-pipelined).
   */
  together<T>(client: Client, issue: () => T): T {
    if (!(client instanceof Redis) || client.status !== "ready" || !client.stream || client.stream.writableCorked) return issue();
    const options = client.options;
    const pipelined = options.enableAutoPipelining;
    options.enableAutoPipelining = false;
    client.stream.cork();
    try {
      return issue();
    } finally {
      options.enableAutoPipelining = pipelined;
      client.stream.uncork();
    }
  }

  /**
   * One command with Buffer replies. Goes through the named `<command>Buffer` method rather than
   * `callBuffer`, whose auto-pipelined path in ioredis 6.0.0 loses the command name.
   */
  call(client: Client | Redis, command: string, ...args: (string | Buffer | number)[]): Promise<Reply> {
    const method = (client as unknown as Record<string, BufferCommand>)[`${command.toLowerCase()}Buffer`];
    return method.apply(client, args);
  }

  /** EVALSHA, loading the script on the node that answers NOSCRIPT. */
  async script(client: Client, script: Script, keys: Buffer[], args: (string | Buffer | number)[]): Promise<Reply> {
    const emulable = script !== WRITE_EXPECT_SCRIPT && script !== EXPIRE_IF_NO_TTL_SCRIPT;
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
   * A read-only script over several keys in one EVALSHA, or null when it cannot run that way: on a cluster
   * (the keys may live in several slots) or for an ACL user without `@scripting`; the caller then runs its
   * one-key script per key, which knows how to do without scripts.
   */
  async scriptOverKeys(client: Client, script: Script, keys: Buffer[], args: (string | Buffer | number)[]): Promise<Reply[] | null> {
    if (client instanceof Cluster || this.scriptsDenied) return null;
    try {
      return (await this.call(client, "EVALSHA", script.sha, keys.length, ...keys, ...args)) as Reply[];
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (error.message.startsWith("NOSCRIPT")) return (await this.call(client, "EVAL", script.lua, keys.length, ...keys, ...args)) as Reply[];
      if (!error.message.startsWith("NOPERM")) throw error;
      this.scriptsDenied = true;
      return null;
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

  /**
   * A collection compare-and-set script. Unlike the read scripts it is never emulated with plain commands
   * for ACL users without `@scripting`: the check and the change would no longer be one atomic step.
   */
  casScript(script: Script, key: Buffer, args: (string | Buffer | number)[]): Promise<Reply[]> {
    return this.run(async (client) => {
      try {
        return (await this.call(client, "EVALSHA", script.sha, 1, key, ...args)) as Reply[];
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        return (await this.call(client, "EVAL", script.lua, 1, key, ...args)) as Reply[];
      }
    });
  }

  /** Every primary, in a stable order: the one client standalone, each master node in a cluster. */
  primaries(client: Client): Redis[] {
    if (client instanceof Cluster) {
      return client.nodes("master").sort((a, b) => nodeAddressOf(a).localeCompare(nodeAddressOf(b)));
    }
    return [client];
  }

  /** The node `address` (`host:port`) of a cluster, or its first primary; the one server otherwise. */
  nodeAt(client: Client, address?: string): Redis {
    if (!(client instanceof Cluster)) return client;
    if (address === undefined) return this.primaries(client)[0];
    const found = client.nodes("all").find((node) => nodeAddressOf(node) === address);
    if (!found) throw new DriverError("NOT_FOUND", `No node ${address} in this cluster`);
    return found;
  }

  /** The database the profile selects (its URL's path wins, as when connecting). */
  get profileDb(): number {
    if (this.topology.kind === "redis-cluster") return 0;
    const s = this.topology.settings;
    const path = "url" in s && s.url ? new URL(s.url).pathname.replace(/^\//, "") : "";
    return path ? Number(path) : s.db;
  }

  /**
   * `op` on a short-lived connection to the first sentinel that answers (Sentinel profiles only), with the
   * sentinels' own user, password and TLS and the profile's timeout.
   */
  async onSentinel<T>(op: (sentinel: Redis, address: string) => Promise<T>): Promise<T> {
    if (this.topology.kind !== "redis-sentinel") throw new DriverError("UNSUPPORTED", "Not a Sentinel connection");
    const s = this.topology.settings;
    const tls = s.sentinelTls ? tlsOptions(s.tls, this.secrets) : undefined;
    let last: DriverError | null = null;
    for (const { host, port } of s.sentinels) {
      const sentinel = new Redis({
        ...this.nodeOptions(),
        connectionName: undefined,
        enableAutoPipelining: false,
        enableOfflineQueue: false,
        retryStrategy: () => null,
        host,
        port,
        username: s.sentinelUsername,
        password: this.secrets.sentinelPassword,
        tls,
      });
      sentinel.on("error", () => undefined);
      try {
        await sentinel.connect();
        return await op(sentinel, `${host}:${port}`);
      } catch (error) {
        last = toDriverError(error, `sentinel ${host}:${port}`);
        if (last.code !== "CONNECTION_REFUSED" && last.code !== "TIMEOUT") throw last;
      } finally {
        sentinel.disconnect();
      }
    }
    throw last ?? new DriverError("CONNECTION_REFUSED", "No sentinel configured");
  }

  /** Closes the connection. Safe to call more than once; later calls are refused. */
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
}
