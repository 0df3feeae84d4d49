/**
 * The servers of one memcached driver: a pipelined connection to each, the server a key lives on (placed
 * like pymemcache's `HashClient`), each server's clock (metadump expiries and long TTLs are absolute server
 * times), and the commands every part of the driver sends.
 */
import { DriverError } from "../errors";
import { MemcachedConnection, type MetaReply, throwIfError } from "./connection";
import { pickServer } from "./hashing";
import type { MemcachedSecrets, MemcachedSettings } from "./settings";

const THIRTY_DAYS_S = 30 * 24 * 3600;

export class MemcachedPool {
  readonly servers: readonly string[];
  readonly connections: readonly MemcachedConnection[];
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** Server clock minus ours, in seconds: metadump expiries are absolute server times. */
  private readonly clockOffsets = new Map<number, number>();

  constructor(
    settings: MemcachedSettings,
    secrets: MemcachedSecrets,
    readonly timeoutMs: number,
  ) {
    this.servers = settings.servers;
    this.username = settings.username;
    this.password = secrets.password;
    this.connections = this.servers.map(
      (address) => new MemcachedConnection({ address, timeoutMs, username: settings.username, password: secrets.password }),
    );
  }

  /** Index of the server `key` lives on. */
  serverOf(key: Buffer): number {
    return pickServer(this.servers, key);
  }

  connectionFor(key: Buffer): MemcachedConnection {
    return this.connections[this.serverOf(key)];
  }

  /** One command line; an error reply throws the DriverError it stands for. */
  async command(connection: MemcachedConnection, line: string | Buffer): Promise<MetaReply> {
    const reply = await connection.one(line);
    throwIfError(reply, connection.address);
    return reply;
  }

  /** Pipelined command lines to one server; how many answered `hit`. */
  async pipelineCount(server: number, lines: string[], hit: string): Promise<number> {
    const replies = await this.connections[server].send(lines.join(""), lines.map(() => "line"));
    let count = 0;
    for (const reply of replies) {
      throwIfError(reply, this.servers[server]);
      if (reply.status === hit) count++;
    }
    return count;
  }

  /** The server's clock now, in epoch seconds (its offset from ours is asked once). */
  async serverNow(server: number): Promise<number> {
    let offset = this.clockOffsets.get(server);
    if (offset === undefined) {
      const reply = await this.connections[server].one("stats\r\n", "stats");
      throwIfError(reply, this.servers[server]);
      const time = Number(reply.stats?.get("time"));
      offset = Number.isFinite(time) ? time - Date.now() / 1000 : 0;
      this.clockOffsets.set(server, offset);
    }
    return Date.now() / 1000 + offset;
  }

  /** memcached's TTL token: 0 never expires, -1 expires now, more than 30 days must be an absolute time. */
  async ttlToken(ttlMs: number | null, server: number): Promise<number> {
    if (ttlMs === null) return 0;
    if (!Number.isFinite(ttlMs)) throw new DriverError("INVALID_ARGUMENT", "The TTL must be a finite number of milliseconds.");
    if (ttlMs <= 0) return -1;
    const seconds = Math.ceil(ttlMs / 1000);
    if (seconds <= THIRTY_DAYS_S) return seconds;
    return Math.floor(await this.serverNow(server)) + seconds;
  }

  close(): void {
    for (const connection of this.connections) connection.close();
  }
}
