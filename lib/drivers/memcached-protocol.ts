/**
 * memcached's text protocol over `net`: a pipelined connection for meta commands and `stats`, a streamed
 * key listing (`lru_crawler metadump`, or `stats cachedump` on old servers) that never makes memcached
 * wait on a slow reader, and pymemcache's server selection for pools.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DriverError } from "./errors";
import type { KeyMeta } from "./types";

/** Where a server listens: `host:port`, `[v6]:port`, or a unix socket path. */
export function parseServerAddress(address: string): { host: string; port: number } | { path: string } {
  if (address.startsWith("/")) return { path: address };
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!match) return { host: address, port: 11211 };
  return { host: match[1], port: Number(match[2]) };
}

/** MurmurHash3 x86 32-bit, as pymemcache's pure-Python `murmur3_32` computes it. */
export function murmur3(data: Uint8Array, seed = 0): number {
  let h = seed >>> 0;
  const length = data.length;
  const rounded = length & ~3;
  for (let i = 0; i < rounded; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = length & 3;
  if (tail === 3) k = data[rounded + 2] << 16;
  if (tail >= 2) k |= data[rounded + 1] << 8;
  if (tail >= 1) {
    k |= data[rounded];
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The code units pymemcache hashes for a key. Python apps (Django, most others) pass `str` keys, and its
 * murmur3 reads `ord(c) & 0xff` per character, so a UTF-8 key hashes by code point, not by byte.
 */
function pythonKeyUnits(key: Buffer): Uint8Array {
  const text = key.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(key)) return key;
  const units: number[] = [];
  for (const ch of text) units.push(ch.codePointAt(0)! & 0xff);
  return Uint8Array.from(units);
}

/**
 * Index of the server pymemcache's `HashClient` (rendezvous hashing, murmur3, seed 0) sends `key` to. The
 * node names must be spelled as the app spells them (`127.0.0.1:11211` and `localhost:11211` differ).
 */
export function pickServer(nodes: readonly string[], key: Buffer): number {
  if (nodes.length === 1) return 0;
  const units = pythonKeyUnits(key);
  let best = -1;
  let winner = 0;
  for (let i = 0; i < nodes.length; i++) {
    const score = murmur3(Buffer.concat([Buffer.from(`${nodes[i]}-`, "latin1"), units]));
    if (score > best || (score === best && nodes[i] > nodes[winner])) {
      best = score;
      winner = i;
    }
  }
  return winner;
}

/** Longest key memcached stores, and longest binary key: base64 tokens share the 250-character limit. */
export const MAX_KEY_BYTES = 250;
export const MAX_BINARY_KEY_BYTES = 186;

/** The key as a meta-command token: plain when it is safe on the text protocol, else base64 with `b`. */
export function keyToken(key: Buffer): { token: string; binary: boolean } {
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

export function connectError(error: NodeJS.ErrnoException, address: string): DriverError {
  if (error.code === "ETIMEDOUT") return new DriverError("TIMEOUT", `Connecting to memcached at ${address} timed out.`, { cause: error });
  return new DriverError("CONNECTION_REFUSED", `Cannot connect to ${address}: ${error.message}`, { cause: error });
}

/** Opens a socket, failing with CONNECTION_REFUSED or TIMEOUT (a paused server accepts but never answers). */
export function openSocket(address: string, timeoutMs: number, label: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(parseServerAddress(address) as never);
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DriverError("TIMEOUT", `Connecting to ${label} at ${address} took longer than ${timeoutMs} ms.`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(connectError(error, address));
    });
  });
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

/**
 * One listed item: its `KeyMeta` (so a listing page hands entries out as they are) plus what the dump
 * says besides. `size` stays null because the dump's `size` is the whole item (header, key, value).
 */
export interface DumpEntry extends KeyMeta {
  /** Absolute expiry (server epoch seconds), or -1 for none. */
  exp: number;
  /** Last access, server epoch seconds. */
  lastAccess: number;
  /** Whether the item was read since it was stored. */
  fetched: boolean;
  slabClass: number;
  /** Bytes the item takes in its slab: header, key, value and suffix. */
  itemSize: number;
}

function dumpEntry(
  key: Buffer,
  exp: number,
  lastAccess: number,
  fetched: boolean,
  slabClass: number,
  itemSize: number,
  flags: number | undefined,
  now: number,
): DumpEntry {
  return {
    key,
    exists: true,
    type: "string",
    ttlMs: exp < 0 ? null : Math.max(0, Math.round((exp - now) * 1000)),
    size: null,
    length: null,
    flags,
    exp,
    lastAccess,
    fetched,
    slabClass,
    itemSize,
  };
}

/** Value of each byte as a hex digit, or -1. */
const HEX = Int8Array.from({ length: 256 }, (_, byte) => {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
});

/** URL-decodes `data[start..end)` into `out` at `at`; returns the decoded length. */
function percentDecodeInto(data: Buffer, start: number, end: number, out: Buffer, at: number): number {
  let j = at;
  for (let i = start; i < end; i++) {
    const byte = data[i];
    if (byte === 0x25 && i + 2 < end && HEX[data[i + 1]] >= 0 && HEX[data[i + 2]] >= 0) {
      out[j++] = (HEX[data[i + 1]] << 4) | HEX[data[i + 2]];
      i += 2;
    } else {
      out[j++] = byte;
    }
  }
  return j - at;
}

/**
 * Where decoded keys of one chunk are written side by side, so an escaped key costs one view and no
 * allocation of its own (memcached escapes `:`, so most real keys are escaped).
 */
export interface KeyArena {
  buffer: Buffer;
  used: number;
}

/** Result of the last `readNumber`: kept in module state so the per-field hot path allocates nothing. */
let numberValue = 0;

/** Reads the decimal starting at `start` into `numberValue`; returns where the next field starts. */
function readNumber(data: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (data[i] === 0x2d) {
    negative = true;
    i++;
  }
  let n = 0;
  for (; i < end; i++) {
    const c = data[i];
    if (c === 0x20) break;
    n = n * 10 + (c - 0x30);
  }
  numberValue = negative ? -n : n;
  return i + 1;
}

/** True when `data[at..]` starts with `name=`. */
function fieldAt(data: Buffer, at: number, name: Buffer): boolean {
  for (let k = 0; k < name.length; k++) if (data[at + k] !== name[k]) return false;
  return true;
}

const EXP = Buffer.from("exp=");
const LA = Buffer.from("la=");
const CAS = Buffer.from("cas=");
const FETCH = Buffer.from("fetch=");
const CLS = Buffer.from("cls=");
const SIZE = Buffer.from("size=");
const FLAGS = Buffer.from("flags=");

/**
 * The item line at `data[start..end)` (without its `\n`): `key=… exp=… la=… cas=… fetch=… cls=… size=…
 * [flags=…]`, or null when it is not an item line. This runs once per item of a listing, so it reads the
 * fields in memcached's fixed order straight off the bytes, and tolerates unknown fields after them.
 */
export function parseDumpLineAt(
  data: Buffer,
  start: number,
  end: number,
  now = Date.now() / 1000,
  arena: KeyArena = { buffer: Buffer.allocUnsafe(end - start), used: 0 },
): DumpEntry | null {
  if (data[start] !== 0x6b || data[start + 1] !== 0x65 || data[start + 2] !== 0x79 || data[start + 3] !== 0x3d) return null;
  let keyEnd = start + 4;
  let escaped = false;
  for (; keyEnd < end; keyEnd++) {
    const c = data[keyEnd];
    if (c === 0x20) break;
    if (c === 0x25) escaped = true;
  }
  let key: Buffer;
  if (escaped) {
    const length = percentDecodeInto(data, start + 4, keyEnd, arena.buffer, arena.used);
    key = arena.buffer.subarray(arena.used, arena.used + length);
    arena.used += length;
  } else {
    key = data.subarray(start + 4, keyEnd);
  }
  let exp = -1;
  let lastAccess = 0;
  let fetched = false;
  let slabClass = 0;
  let itemSize = 0;
  let flags: number | undefined;
  let pos = keyEnd + 1;
  // memcached writes the fields in this order; anything else (other versions) takes the general loop.
  if (fieldAt(data, pos, EXP)) {
    let next = readNumber(data, pos + 4, end);
    exp = numberValue;
    if (fieldAt(data, next, LA)) {
      next = readNumber(data, next + 3, end);
      lastAccess = numberValue;
      if (fieldAt(data, next, CAS)) {
        pos = data.indexOf(0x20, next + 4) + 1;
        if (pos > 0 && fieldAt(data, pos, FETCH)) {
          fetched = data[pos + 6] === 0x79;
          pos = data.indexOf(0x20, pos + 6) + 1;
          if (pos > 0 && fieldAt(data, pos, CLS)) {
            next = readNumber(data, pos + 4, end);
            slabClass = numberValue;
            if (fieldAt(data, next, SIZE)) {
              next = readNumber(data, next + 5, end);
              itemSize = numberValue;
              if (next >= end) return dumpEntry(key, exp, lastAccess, fetched, slabClass, itemSize, flags, now);
            }
          }
        }
      }
    }
    pos = keyEnd + 1;
  }
  while (pos < end) {
    if (fieldAt(data, pos, EXP)) {
      pos = readNumber(data, pos + 4, end);
      exp = numberValue;
    } else if (fieldAt(data, pos, LA)) {
      pos = readNumber(data, pos + 3, end);
      lastAccess = numberValue;
    } else if (fieldAt(data, pos, SIZE)) {
      pos = readNumber(data, pos + 5, end);
      itemSize = numberValue;
    } else if (fieldAt(data, pos, CLS)) {
      pos = readNumber(data, pos + 4, end);
      slabClass = numberValue;
    } else if (fieldAt(data, pos, FLAGS)) {
      pos = readNumber(data, pos + 6, end);
      flags = numberValue;
    } else {
      if (fieldAt(data, pos, FETCH)) fetched = data[pos + 6] === 0x79;
      else if (!fieldAt(data, pos, CAS) && data.indexOf(0x3d, pos) < 0) break;
      const space = data.indexOf(0x20, pos);
      pos = space < 0 || space >= end ? end : space + 1;
    }
  }
  return dumpEntry(key, exp, lastAccess, fetched, slabClass, itemSize, flags, now);
}

export function parseDumpLine(line: Buffer, now?: number): DumpEntry | null {
  return parseDumpLineAt(line, 0, line.length, now);
}

/** One `ITEM <key> [<bytes> b; <expiry> s]` line of `stats cachedump` (key raw, expiry 0 for none). */
export function parseCachedumpLineAt(data: Buffer, start: number, end: number, now = Date.now() / 1000): DumpEntry | null {
  const text = data.toString("latin1", start, end);
  const match = /^ITEM (.+) \[(\d+) b; (\d+) s\]$/.exec(text);
  if (!match) return null;
  const exp = Number(match[3]);
  const entry = dumpEntry(Buffer.from(match[1], "latin1"), exp === 0 ? -1 : exp, 0, false, 0, 0, undefined, now);
  entry.size = Number(match[2]);
  return entry;
}

/** Time to wait after BUSY (another client's crawl is running) before asking for the dump again. */
const BUSY_RETRY_MS = 100;
/** Size of the blocks decoded keys are written into (keys keep their block alive, not a chunk each). */
const ARENA_BYTES = 1 << 20;
/** Bytes read back from a spool file at a time. */
const SPOOL_READ_BYTES = 1 << 20;

export interface DumpOptions extends ConnectionOptions {
  /**
   * `all` walks the LRUs: memcached checks for room in our socket before it locks anything, so a paused
   * reader only parks the crawler, but items the LRU maintainer moves between segments mid-walk are
   * missed or repeated (measured: ~500 of 1M freshly loaded items). `hash` walks the hash table and sees
   * every item exactly once, but waits for room in our socket while holding an item lock (measured: a
   * paused reader stalls every key behind that lock for as long as it pauses), so it must never be paused.
   */
  mode?: "all" | "hash";
  /**
   * Read the dump as fast as memcached sends it: what arrives while `highWater` entries wait unread goes
   * to an unlinked temporary file and is parsed from there when `next` asks, so memcached is never
   * blocked by a slow reader and memory stays bounded. Without it the socket is paused at `highWater`.
   */
  spool?: boolean;
  highWater?: number;
  /** Keeps only matching entries (the others are still counted in `seen`). */
  filter?: (key: Buffer) => boolean;
  /** Server clock minus ours, in seconds, for the entries' `ttlMs`. */
  clockOffsetS?: number;
}

function dumpLineError(text: string, address: string): DriverError | null {
  if (text.startsWith("BUSY")) return new DriverError("SERVER_ERROR", text);
  if (/not allowed/.test(text)) {
    return new DriverError(
      "UNSUPPORTED",
      `memcached at ${address} was started with -X (dumping disabled), so its keys cannot be listed; reads and writes of known keys still work.`,
    );
  }
  if (text.startsWith("ERROR") || text.startsWith("CLIENT_ERROR")) {
    return new DriverError("UNSUPPORTED", `memcached at ${address} cannot list keys (${text}): \`lru_crawler metadump\` needs memcached 1.5.19 or newer.`);
  }
  return new DriverError("PROTOCOL_ERROR", `Unexpected line in the key listing of ${address}: ${text.slice(0, 200)}`);
}

/** A `lru_crawler metadump` on its own connection (memcached refuses commands pipelined before it). */
export class MetadumpStream {
  private readonly entries: DumpEntry[] = [];
  private head = 0;
  private partial: Buffer = Buffer.alloc(0);
  /** The END line was parsed: no entries beyond those queued. */
  private finished = false;
  /** memcached sent its whole dump (spool mode) or the socket is done. */
  private received = false;
  private failure: DriverError | null = null;
  private waiter: (() => void) | null = null;
  /** A first line arrived: either an entry, END, or an error that `failure` holds. */
  private answered = false;
  private readonly fd: number | null;
  private spooled = 0;
  private readPosition = 0;
  private tail = "";
  /** Lines parsed so far, including those `filter` dropped. */
  seen = 0;
  /** `stats cachedump` replies still to come (old servers), or 0 for a metadump. */
  private cachedumpEnds = 0;
  private arena: KeyArena = { buffer: Buffer.alloc(0), used: 0 };

  private constructor(
    private readonly socket: Socket,
    private readonly address: string,
    private readonly options: DumpOptions,
  ) {
    if (options.spool) {
      const file = path.join(tmpdir(), `cacheboard-metadump-${randomBytes(8).toString("hex")}`);
      this.fd = openSync(file, "w+", 0o600);
      // Unlinked at once: the fd keeps the data, and the kernel frees it when we close or die.
      unlinkSync(file);
    } else {
      this.fd = null;
    }
    socket.on("data", (chunk: Buffer) => (this.fd === null ? this.consume(chunk) : this.spool(chunk)));
    socket.on("error", (error) => this.fail(connectError(error, address)));
    socket.on("close", () => {
      if (!this.received) this.fail(new DriverError("PROTOCOL_ERROR", `memcached at ${address} closed the key listing early.`));
    });
  }

  /** Starts a dump; retries while the crawler is BUSY with another client's dump until `timeoutMs`. */
  static async open(options: DumpOptions): Promise<MetadumpStream> {
    const deadline = Date.now() + options.timeoutMs;
    let mode = options.mode ?? "all";
    for (;;) {
      const socket = await openSocket(options.address, options.timeoutMs, "memcached");
      const stream = new MetadumpStream(socket, options.address, options);
      try {
        if (options.username !== undefined) {
          const token = Buffer.from(`${options.username} ${options.password ?? ""}`);
          socket.write(Buffer.concat([Buffer.from(`set auth 0 0 ${token.length}\r\n`), token, Buffer.from("\r\n")]));
        }
        socket.write(`lru_crawler metadump ${mode}\r\n`);
        await stream.waitForAnswer(Math.max(1, deadline - Date.now()));
        return stream;
      } catch (error) {
        stream.close();
        if (!(error instanceof DriverError)) throw error;
        if (error.code === "UNSUPPORTED" && !/-X/.test(error.message)) {
          if (mode === "hash") {
            mode = "all";
            continue;
          }
          return MetadumpStream.openCachedump(options);
        }
        if (error.message.startsWith("BUSY")) {
          if (Date.now() + BUSY_RETRY_MS < deadline) {
            await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
            continue;
          }
          throw new DriverError("TIMEOUT", `memcached at ${options.address} is busy with another key listing (its crawler serves one dump at a time); try again shortly.`);
        }
        throw error;
      }
    }
  }

  /**
   * Servers older than 1.5.19 have no metadump: `stats cachedump <class> 0` per slab class lists keys
   * with size and expiry, but memcached caps each reply at about 2 MB, so big classes are cut short.
   * The replies are generated whole before they are sent, so reading them off the socket is safe.
   */
  private static async openCachedump(options: DumpOptions): Promise<MetadumpStream> {
    const probe = new MemcachedConnection(options);
    let classes: string[];
    try {
      const reply = await probe.one("stats items\r\n", "stats");
      throwIfError(reply, options.address);
      classes = [...new Set([...(reply.stats?.keys() ?? [])].map((name) => /^items:(\d+):number$/.exec(name)?.[1]).filter((id) => id !== undefined))];
    } finally {
      probe.close();
    }
    const socket = await openSocket(options.address, options.timeoutMs, "memcached");
    const stream = new MetadumpStream(socket, options.address, { ...options, spool: false });
    stream.cachedumpEnds = classes.length;
    if (classes.length === 0) {
      stream.answered = true;
      stream.finished = true;
      stream.received = true;
      socket.destroy();
      return stream;
    }
    if (options.username !== undefined) {
      const token = Buffer.from(`${options.username} ${options.password ?? ""}`);
      socket.write(Buffer.concat([Buffer.from(`set auth 0 0 ${token.length}\r\n`), token, Buffer.from("\r\n")]));
    }
    socket.write(classes.map((id) => `stats cachedump ${id} 0\r\n`).join(""));
    try {
      await stream.waitForAnswer(options.timeoutMs);
    } catch (error) {
      stream.close();
      throw error;
    }
    return stream;
  }

  /** Up to `max` entries; fewer only at the end of the dump. Null once the dump is exhausted. */
  async next(max: number, timeoutMs: number): Promise<DumpEntry[] | null> {
    const out: DumpEntry[] = [];
    while (out.length < max) {
      if (this.head < this.entries.length) {
        const take = Math.min(max - out.length, this.entries.length - this.head);
        for (let i = 0; i < take; i++) out.push(this.entries[this.head++]);
        if (this.head === this.entries.length) {
          this.entries.length = 0;
          this.head = 0;
        }
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.finished) break;
      if (this.fd !== null && this.readPosition < this.spooled) {
        this.readSpool();
        continue;
      }
      if (this.received && this.fd !== null) {
        this.fail(new DriverError("PROTOCOL_ERROR", `The key listing of ${this.address} ended without END.`));
        continue;
      }
      this.socket.resume();
      await this.wait(timeoutMs);
    }
    if (this.fd === null && !this.finished && this.entries.length - this.head < (this.options.highWater ?? 20_000)) this.socket.resume();
    return out.length === 0 && this.finished ? null : out;
  }

  get done(): boolean {
    return this.finished && this.head >= this.entries.length;
  }

  close(): void {
    this.finished = true;
    this.received = true;
    this.socket.destroy();
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // closed already
      }
    }
    this.wake();
  }

  private waitForAnswer(timeoutMs: number): Promise<void> {
    if (this.answered) return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    return this.wait(timeoutMs).then(() => this.waitForAnswer(timeoutMs));
  }

  private wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new DriverError("TIMEOUT", `memcached at ${this.address} sent no listing data within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  private fail(failure: DriverError): void {
    if (!this.failure && !this.finished) this.failure = failure;
    this.answered = true;
    this.received = true;
    this.wake();
  }

  private spool(chunk: Buffer): void {
    if (!this.answered) this.checkAnswer(chunk);
    if (this.failure || this.fd === null) return;
    if (this.readPosition === this.spooled && this.entries.length - this.head < (this.options.highWater ?? 20_000)) {
      // The reader has caught up with the file: parse straight off the socket (order is kept, since the
      // file is empty), and spool only what arrives while a page's worth of entries is waiting.
      this.consume(chunk);
    } else {
      writeSync(this.fd, chunk, 0, chunk.length, this.spooled);
      this.spooled += chunk.length;
    }
    this.tail = (this.tail + chunk.toString("latin1", Math.max(0, chunk.length - 5))).slice(-5);
    if (this.tail === "END\r\n") {
      this.received = true;
      this.socket.destroy();
    }
    this.wake();
  }

  /** In spool mode the first line is looked at as it arrives, so errors and BUSY surface on `open`. */
  private checkAnswer(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) return;
      const text = chunk.toString("latin1", start, nl > start && chunk[nl - 1] === 0x0d ? nl - 1 : nl);
      start = nl + 1;
      if (text === "OK" || text === "STORED" || text === "") continue;
      this.answered = true;
      if (!text.startsWith("key=") && text !== "END") this.fail(dumpLineError(text, this.address) ?? new DriverError("PROTOCOL_ERROR", text));
      return;
    }
  }

  private readSpool(): void {
    if (this.fd === null) return;
    const length = Math.min(SPOOL_READ_BYTES, this.spooled - this.readPosition);
    const chunk = Buffer.allocUnsafe(length);
    const read = readSync(this.fd, chunk, 0, length, this.readPosition);
    this.readPosition += read;
    this.consume(chunk.subarray(0, read));
  }

  private consume(chunk: Buffer): void {
    const now = Date.now() / 1000 + (this.options.clockOffsetS ?? 0);
    // Decoded keys are never longer than the bytes they came from, so this chunk fits in the arena.
    const needed = chunk.length + this.partial.length;
    if (this.arena.buffer.length - this.arena.used < needed) {
      this.arena = { buffer: Buffer.allocUnsafeSlow(Math.max(ARENA_BYTES, needed)), used: 0 };
    }
    const arena = this.arena;
    let start = 0;
    if (this.partial.length) {
      // Only the line split across chunks is copied; the rest is parsed where it arrived.
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        this.partial = Buffer.concat([this.partial, chunk]);
        return;
      }
      const line = Buffer.concat([this.partial, chunk.subarray(0, nl)]);
      this.partial = Buffer.alloc(0);
      this.onLine(line, 0, line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length, now, arena);
      start = nl + 1;
    }
    while (!this.finished && !this.failure) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      this.onLine(chunk, start, nl > start && chunk[nl - 1] === 0x0d ? nl - 1 : nl, now, arena);
      start = nl + 1;
    }
    if (start < chunk.length && !this.finished) this.partial = Buffer.from(chunk.subarray(start));
    if (this.fd === null) {
      if (this.entries.length - this.head >= (this.options.highWater ?? 20_000)) this.socket.pause();
      if (this.answered) this.wake();
    }
  }

  private onLine(data: Buffer, start: number, end: number, now: number, arena: KeyArena): void {
    const entry = this.cachedumpEnds > 0 ? parseCachedumpLineAt(data, start, end, now) : parseDumpLineAt(data, start, end, now, arena);
    if (entry) {
      this.answered = true;
      this.seen++;
      if (!this.options.filter || this.options.filter(entry.key)) this.entries.push(entry);
      return;
    }
    const text = data.toString("latin1", start, end);
    if (text === "END" && this.cachedumpEnds > 1) {
      this.answered = true;
      this.cachedumpEnds--;
    } else if (text === "END") {
      this.answered = true;
      this.finished = true;
      this.received = true;
      this.socket.destroy();
    } else if (text !== "OK" && text !== "STORED" && text !== "") {
      this.fail(dumpLineError(text, this.address) ?? new DriverError("PROTOCOL_ERROR", text));
    }
  }
}
