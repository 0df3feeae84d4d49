/**
 * memcached's text protocol over `net`: meta-command key tokens, and a pipelined connection for meta commands
 * and `stats` whose replies come back in request order.
 */
import type { Socket } from "node:net";
import { DriverError } from "../errors";
import { connectError, openSocket } from "../socket";
import { MAX_KEY_BYTES } from "./settings";

/** Longest binary key: base64 tokens share the 250-character limit of `MAX_KEY_BYTES`. */
const MAX_BINARY_KEY_BYTES = 186;

/** The key as a meta-command token: plain when it is safe on the text protocol, else base64 with `b`. */
function keyToken(key: Buffer): { token: string; binary: boolean } {
  if (key.length === 0) throw new DriverError("INVALID_ARGUMENT", "memcached keys cannot be empty.");
  let plain = true;
  for (const byte of key) {
    if (byte <= 0x20 || byte === 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) {
    if (key.length > MAX_KEY_BYTES) {
      throw new DriverError("TOO_LARGE", `memcached keys are at most ${MAX_KEY_BYTES} bytes; this one has ${key.length}.`);
    }
    return { token: key.toString("latin1"), binary: false };
  }
  if (key.length > MAX_BINARY_KEY_BYTES) {
    throw new DriverError(
      "TOO_LARGE",
      `memcached keys with spaces or control bytes travel base64-encoded and are at most ${MAX_BINARY_KEY_BYTES} bytes; this one has ${key.length}.`,
    );
  }
  return { token: key.toString("base64"), binary: true };
}

/** `key b` or `key` as it goes into a meta command line. */
export function metaKey(key: Buffer): string {
  const { token, binary } = keyToken(key);
  return binary ? `${token} b` : token;
}

/** An `ms` command with its data block; `tokens` are meta flags such as `T60`, `F2`, `C12`, `ME`. */
export function metaSet(key: Buffer, value: Buffer, tokens: string[]): Buffer {
  const { token, binary } = keyToken(key);
  const line = `ms ${token} ${value.length}${binary ? " b" : ""} ${tokens.join(" ")}\r\n`;
  return Buffer.concat([Buffer.from(line, "latin1"), value, Buffer.from("\r\n")]);
}

export interface MetaReply {
  /** HD, VA, EN, NF, NS, EX, MN, VERSION, STORED, OK, STAT block… */
  status: string;
  /** Return flags of a meta reply, by letter (`t` → "-1", `c` → "12"). */
  flags: Map<string, string>;
  value?: Buffer;
  /** `stats` lines as name → value. */
  stats?: Map<string, string>;
  /** The whole first line, for messages. */
  line: string;
}

function parseMetaFlags(tokens: string[], from: number): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (t) flags.set(t[0], t.slice(1));
  }
  return flags;
}

type ReplyShape = "line" | "stats";

interface Pending {
  shape: ReplyShape;
  resolve(reply: MetaReply): void;
  reject(error: DriverError): void;
  stats?: Map<string, string>;
}

export interface ConnectionOptions {
  address: string;
  timeoutMs: number;
  username?: string;
  password?: string;
}

/**
 * One pipelined text-protocol connection. Replies come back in request order, so pending requests are a
 * FIFO; when one times out the stream position is unknown, so the socket is dropped and every pending
 * request fails with it. The next request reconnects.
 */
export class MemcachedConnection {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ConnectionOptions) {}

  get address(): string {
    return this.options.address;
  }

  /** Sends one or more command lines (and data blocks) and resolves with their replies, in order. */
  async send(payload: Buffer | string, shapes: ReplyShape[]): Promise<MetaReply[]> {
    const socket = await this.open();
    const replies = shapes.map(
      (shape) =>
        new Promise<MetaReply>((resolve, reject) => {
          this.queue.push({ shape, resolve, reject });
        }),
    );
    this.armTimer();
    // Command lines carry keys as latin1 (one char per byte); a JS string would otherwise go out as UTF-8.
    socket.write(typeof payload === "string" ? Buffer.from(payload, "latin1") : payload);
    return Promise.all(replies);
  }

  async one(payload: Buffer | string, shape: ReplyShape = "line"): Promise<MetaReply> {
    const [reply] = await this.send(payload, [shape]);
    return reply;
  }

  close(): void {
    this.fail(new DriverError("CONNECTION_REFUSED", "The connection was closed."));
  }

  private async open(): Promise<Socket> {
    if (this.socket) return this.socket;
    this.connecting ??= (async () => {
      const socket = await openSocket(this.options.address, this.options.timeoutMs, "memcached");
      socket.on("data", (chunk) => this.onData(chunk));
      socket.on("error", (error) => this.fail(connectError(error, this.options.address)));
      socket.on("close", () => {
        if (this.socket === socket) this.fail(new DriverError("CONNECTION_REFUSED", `memcached at ${this.options.address} closed the connection.`));
      });
      this.socket = socket;
      if (this.options.username !== undefined) await this.authenticate();
      return socket;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /**
   * memcached's ASCII authentication (`-Y` token file): a `set` whose data is "user password". It is
   * written before anything else on the connection, and memcached answers in order, so requests sent
   * while its reply is pending run authenticated.
   */
  private async authenticate(): Promise<void> {
    const token = Buffer.from(`${this.options.username} ${this.options.password ?? ""}`);
    const reply = await this.one(Buffer.concat([Buffer.from(`set auth 0 0 ${token.length}\r\n`), token, Buffer.from("\r\n")]));
    if (reply.status !== "STORED") {
      const error = new DriverError("AUTH_FAILED", `memcached at ${this.options.address} refused the username or password (${reply.line}).`);
      this.fail(error);
      throw error;
    }
  }

  private armTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fail(new DriverError("TIMEOUT", `memcached at ${this.options.address} did not answer within ${this.options.timeoutMs} ms.`));
    }, this.options.timeoutMs);
  }

  private fail(error: DriverError): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    this.buffer = Buffer.alloc(0);
    socket?.destroy();
    for (const pending of this.queue.splice(0)) pending.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.queue.length) {
      const consumed = this.parseOne(this.queue[0]);
      if (consumed < 0) break;
      this.buffer = this.buffer.subarray(consumed);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length) this.armTimer();
  }

  /** Parses the reply to `pending` at the head of the buffer; returns bytes consumed, or -1 for incomplete. */
  private parseOne(pending: Pending): number {
    let offset = 0;
    for (;;) {
      const eol = this.buffer.indexOf("\r\n", offset);
      if (eol < 0) return -1;
      const line = this.buffer.toString("latin1", offset, eol);
      const tokens = line.split(" ");
      const status = tokens[0];
      if (status === "ERROR" || status === "CLIENT_ERROR" || status === "SERVER_ERROR") {
        this.queue.shift();
        pending.resolve({ status, flags: new Map(), line });
        // After a refused command line memcached reads its data block as commands: the stream is out of step.
        if (status === "CLIENT_ERROR" && /bad (command line|data chunk)/.test(line)) {
          queueMicrotask(() => this.fail(new DriverError("PROTOCOL_ERROR", `memcached at ${this.options.address} refused an earlier request on this connection (${line}).`)));
        }
        return eol + 2;
      }
      if (pending.shape === "stats") {
        if (status === "STAT") {
          pending.stats ??= new Map();
          pending.stats.set(tokens[1], tokens.slice(2).join(" "));
          offset = eol + 2;
          continue;
        }
        this.queue.shift();
        pending.resolve({ status, flags: new Map(), stats: pending.stats ?? new Map(), line });
        return eol + 2;
      }
      if (status === "VA") {
        const size = Number(tokens[1]);
        const end = eol + 2 + size + 2;
        if (this.buffer.length < end) return -1;
        this.queue.shift();
        pending.resolve({
          status,
          flags: parseMetaFlags(tokens, 2),
          value: Buffer.from(this.buffer.subarray(eol + 2, eol + 2 + size)),
          line,
        });
        return end;
      }
      this.queue.shift();
      pending.resolve({ status, flags: parseMetaFlags(tokens, 1), line });
      return eol + 2;
    }
  }
}

/** Throws the DriverError that an error reply stands for. */
export function throwIfError(reply: MetaReply, address: string): void {
  if (reply.status === "ERROR") {
    throw new DriverError("UNSUPPORTED", `memcached at ${address} does not know this command (${reply.line}); reads and writes use meta commands, which need memcached 1.6 or newer.`);
  }
  if (reply.status === "CLIENT_ERROR") {
    if (/non-numeric/.test(reply.line)) throw new DriverError("WRONG_TYPE", "The value is not an unsigned integer, so memcached cannot increment it.");
    throw new DriverError("INVALID_ARGUMENT", `memcached at ${address} rejected the request: ${reply.line}`);
  }
  if (reply.status === "SERVER_ERROR") {
    if (/too large/i.test(reply.line)) throw new DriverError("TOO_LARGE", `memcached at ${address}: ${reply.line}`);
    throw new DriverError("SERVER_ERROR", `memcached at ${address}: ${reply.line}`);
  }
}
