/**
 * The console's connections to Redis: one fresh connection per command (HELLO 3 with the profile's
 * credentials, then SELECT), so nothing one person's command changes on a connection reaches the next one.
 * Replies are read by `resp3.ts` with their types and cut to the limits. Standalone and Sentinel go to the
 * primary; a cluster command goes to the primary that owns its key's slot (following MOVED and ASK), and a
 * keyless one to the first primary, which the reply names.
 */
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { ConsoleValue, ReplyLimits } from "../../wire/console";
import { DriverError } from "../errors";
import type { ConsoleRunner, ConsoleRunOptions } from "../operations";
import { tlsOptions } from "./client";
import { toDriverError } from "./errors";
import { encodeCommand, freshBudget, readReply, SocketReader } from "./resp3";
import type { RedisSecrets, TlsSettings, Topology } from "./settings";

interface Address {
  host: string;
  port: number;
}

interface Credentials {
  username?: string;
  password?: string;
  tls?: TlsSettings;
  db: number;
}

function text(value: ConsoleValue): string {
  if (value.t === "blob") return Buffer.from(value.b64, "base64").toString("utf8");
  if (value.t === "simple") return value.text;
  if (value.t === "int") return value.value;
  return "";
}
const SMALL: ReplyLimits = { elements: 100_000, bytes: 16 * 1024 * 1024 };

/** One open connection: commands go out, replies come back in order. */
class RawConnection {
  private readonly reader: SocketReader;

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
    private readonly timeoutMs: number,
  ) {
    this.reader = new SocketReader(socket, `Redis at ${address}`);
  }

  static async open(address: Address, credentials: Credentials, secrets: RedisSecrets, timeoutMs: number): Promise<RawConnection> {
    const label = `${address.host}:${address.port}`;
    const tls = tlsOptions(credentials.tls, secrets, address.host);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tls ? tlsConnect({ ...tls, host: address.host, port: address.port }) : netConnect({ host: address.host, port: address.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DriverError("TIMEOUT", `Connecting to Redis at ${label} took longer than ${timeoutMs} ms.`));
      }, timeoutMs);
      s.once(tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        s.removeAllListeners("error");
        resolve(s);
      });
      s.once("error", (error) => {
        clearTimeout(timer);
        reject(toDriverError(error, `connect to ${label}`));
      });
    });
    socket.setNoDelay(true);
    const connection = new RawConnection(socket, label, timeoutMs);
    try {
      await connection.handshake(credentials);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  private async handshake(credentials: Credentials): Promise<void> {
    const auth = credentials.password ? ["AUTH", credentials.username ?? "default", credentials.password] : [];
    const hello = await this.command(["HELLO", "3", ...auth, "SETNAME", "cacheboard-console"].map((a) => Buffer.from(a)), SMALL);
    if (hello.t === "error") {
      // Redis before 6 has no HELLO: stay on RESP2 and authenticate the old way.
      if (!/unknown command|NOPROTO/i.test(hello.text)) throw toDriverError(new Error(hello.text), "authenticate");
      if (credentials.password) {
        const args = credentials.username ? ["AUTH", credentials.username, credentials.password] : ["AUTH", credentials.password];
        const reply = await this.command(args.map((a) => Buffer.from(a)), SMALL);
        if (reply.t === "error") throw toDriverError(new Error(reply.text), "authenticate");
      }
    }
    if (credentials.db) {
      const reply = await this.command([Buffer.from("SELECT"), Buffer.from(String(credentials.db))], SMALL);
      if (reply.t === "error") throw new DriverError("INVALID_ARGUMENT", `SELECT ${credentials.db}: ${reply.text}`);
    }
  }

  /** Sends one command and reads its reply within the deadline; on a timeout the connection is dropped. */
  async command(args: Buffer[], limits: ReplyLimits): Promise<ConsoleValue> {
    this.socket.write(encodeCommand(args));
    return this.deadline(readReply(this.reader, freshBudget(limits)));
  }

  /** Push messages (SUBSCRIBE, MONITOR) for `ms` or until `limits.elements` of them arrived. */
  async collect(ms: number, limits: ReplyLimits): Promise<ConsoleValue[]> {
    const budget = freshBudget(limits);
    const messages: ConsoleValue[] = [];
    const stop = new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));
    while (budget.elements > 0) {
      const next = await Promise.race([readReply(this.reader, budget), stop]);
      if (next === null) break;
      budget.elements--;
      messages.push(next);
    }
    return messages;
  }

  private async deadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new DriverError("TIMEOUT", `No answer from Redis at ${this.address} within ${this.timeoutMs} ms.`);
        this.reader.fail(error);
        this.close();
        reject(error);
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Redis Cluster's slot of a key: CRC16 (XMODEM) of the key, or of its `{hash tag}`, mod 16384. */
function keySlot(key: Buffer): number {
  let part = key;
  const open = key.indexOf(0x7b);
  if (open >= 0) {
    const close = key.indexOf(0x7d, open + 1);
    if (close > open + 1) part = key.subarray(open + 1, close);
  }
  let crc = 0;
  for (const byte of part) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

interface SlotRange {
  start: number;
  end: number;
  address: Address;
}

const SLOTS_TTL_MS = 30_000;

export class RedisConsole implements ConsoleRunner {
  private slots: { ranges: SlotRange[]; at: number } | null = null;

  constructor(
    private readonly topology: Topology,
    private readonly secrets: RedisSecrets,
    private readonly timeoutMs: number,
  ) {}

  private credentials(): Credentials {
    const t = this.topology;
    if (t.kind === "redis") {
      const s = t.settings;
      if (!s.url) return { username: s.username, password: this.secrets.password, tls: s.tls, db: s.db };
      const url = new URL(s.url);
      const db = url.pathname.replace(/^\//, "");
      const tls = url.protocol === "rediss:" ? { verify: true, ...s.tls, enabled: true } : s.tls;
      return { username: url.username ? decodeURIComponent(url.username) : s.username, password: this.secrets.password, tls, db: db ? Number(db) : s.db };
    }
    if (t.kind === "redis-sentinel") return { username: t.settings.username, password: this.secrets.password, tls: t.settings.tls, db: t.settings.db };
    return { username: t.settings.username, password: this.secrets.password, tls: t.settings.tls, db: 0 };
  }

  private open(address: Address): Promise<RawConnection> {
    return RawConnection.open(address, this.credentials(), this.secrets, this.timeoutMs);
  }

  /** Where a standalone or Sentinel command goes: the configured server, or the primary the sentinels name. */
  private async primary(): Promise<Address> {
    const t = this.topology;
    if (t.kind === "redis") {
      if (!t.settings.url) return { host: t.settings.host, port: t.settings.port };
      const url = new URL(t.settings.url);
      return { host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port ? Number(url.port) : 6379 };
    }
    if (t.kind !== "redis-sentinel") throw new DriverError("UNSUPPORTED", "Not a single-primary topology");
    const s = t.settings;
    let lastError: unknown = null;
    for (const sentinel of s.sentinels) {
      let connection: RawConnection | null = null;
      try {
        connection = await RawConnection.open(
          sentinel,
          { username: s.sentinelUsername, password: this.secrets.sentinelPassword, tls: s.sentinelTls ? s.tls : undefined, db: 0 },
          this.secrets,
          this.timeoutMs,
        );
        const reply = await connection.command(["SENTINEL", "get-master-addr-by-name", s.masterName].map((a) => Buffer.from(a)), SMALL);
        if (reply.t === "array" && reply.items.length === 2) return { host: text(reply.items[0]), port: Number(text(reply.items[1])) };
        lastError = new DriverError("NOT_FOUND", `The sentinels do not know a primary named "${s.masterName}".`);
      } catch (error) {
        lastError = error;
      } finally {
        connection?.close();
      }
    }
    throw toDriverError(lastError ?? new Error("No sentinel answered"), "sentinel");
  }

  private async clusterRanges(refresh: boolean): Promise<SlotRange[]> {
    if (this.topology.kind !== "redis-cluster") throw new DriverError("UNSUPPORTED", "Not a cluster");
    if (!refresh && this.slots && Date.now() - this.slots.at < SLOTS_TTL_MS) return this.slots.ranges;
    let lastError: unknown = null;
    for (const seed of this.topology.settings.nodes) {
      let connection: RawConnection | null = null;
      try {
        connection = await this.open(seed);
        const reply = await connection.command([Buffer.from("CLUSTER"), Buffer.from("SLOTS")], SMALL);
        if (reply.t !== "array") throw new DriverError("PROTOCOL_ERROR", reply.t === "error" ? reply.text : "Unexpected CLUSTER SLOTS reply");
        const ranges: SlotRange[] = [];
        for (const item of reply.items) {
          if (item.t !== "array" || item.items.length < 3 || item.items[2].t !== "array") continue;
          const [start, end, node] = item.items;
          const nodeItems = (node as { items: ConsoleValue[] }).items;
          const host = text(nodeItems[0]) || seed.host;
          ranges.push({ start: Number(text(start)), end: Number(text(end)), address: { host, port: Number(text(nodeItems[1])) } });
        }
        this.slots = { ranges, at: Date.now() };
        return ranges;
      } catch (error) {
        lastError = error;
      } finally {
        connection?.close();
      }
    }
    throw toDriverError(lastError ?? new Error("No cluster node answered"), "cluster");
  }

  private async target(routeKey: Buffer | null | undefined, refresh = false): Promise<Address> {
    if (this.topology.kind !== "redis-cluster") return this.primary();
    const ranges = await this.clusterRanges(refresh);
    if (routeKey) {
      const slot = keySlot(routeKey);
      const range = ranges.find((r) => slot >= r.start && slot <= r.end);
      if (range) return range.address;
    }
    const primaries = [...new Map(ranges.map((r) => [`${r.address.host}:${r.address.port}`, r.address])).entries()].sort(([a], [b]) => a.localeCompare(b));
    if (!primaries.length) throw new DriverError("SERVER_ERROR", "The cluster has no slots assigned.");
    return primaries[0][1];
  }

  async run(args: Buffer[], options: ConsoleRunOptions): Promise<{ reply: ConsoleValue; node: string | null }> {
    const cluster = this.topology.kind === "redis-cluster";
    let address = await this.target(options.routeKey);
    let asking = false;
    for (let hop = 0; hop < 5; hop++) {
      const connection = await this.open(address);
      try {
        if (asking) await connection.command([Buffer.from("ASKING")], SMALL);
        let reply = await connection.command(args, options.limits);
        if (options.collectMs && reply.t !== "error") {
          const messages = await connection.collect(options.collectMs, options.limits);
          reply = { t: "array", items: [reply, ...messages], total: messages.length + 1 };
        }
        const redirect = reply.t === "error" && cluster ? /^(MOVED|ASK) \d+ (.+):(\d+)$/.exec(reply.text) : null;
        if (!redirect) return { reply, node: cluster ? connection.address : null };
        asking = redirect[1] === "ASK";
        if (!asking) this.slots = null;
        address = { host: redirect[2] || address.host, port: Number(redirect[3]) };
      } finally {
        connection.close();
      }
    }
    throw new DriverError("SERVER_ERROR", "The cluster kept redirecting the command.");
  }
}
