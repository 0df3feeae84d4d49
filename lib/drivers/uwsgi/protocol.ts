/**
 * uWSGI's cache protocol over a uwsgi socket (`modifier1 = 111`): `modifier2 = 17` commands, the
 * `modifier2 = 6` region dump read only as far as its item table, and the JSON of the `--stats` server.
 * Every request is one connection: uWSGI answers and closes, and a miss is an empty reply.
 */
import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { DriverError } from "../errors";
import { openSocket } from "../socket";

const CACHE_MODIFIER1 = 111;
const MAGIC_INTERFACE = 17;
const DUMP_REQUEST = 6;
/** "get and stream": unlike the magic interface, answers a miss with a bare header instead of silence. */
const STREAM_GET = 5;
/** Bytes of an item header in the table: 11 native-endian u64 (flags … lru_next), then the key. */
const ITEM_HEADER_BYTES = 88;
/** uWSGI's math flag: the value is an int64 written by `cache_inc`/`cache_dec`/… */
export const MATH_FLAG = 0x10;

type VarValue = string | number | Buffer;

function encodeVars(vars: Record<string, VarValue>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(vars)) {
    const key = Buffer.from(name, "latin1");
    const data = Buffer.isBuffer(value) ? value : Buffer.from(String(value), "latin1");
    if (data.length > 0xffff) throw new DriverError("TOO_LARGE", `The uwsgi variable ${name} is longer than 65535 bytes.`);
    const header = Buffer.alloc(2);
    header.writeUInt16LE(key.length);
    const length = Buffer.alloc(2);
    length.writeUInt16LE(data.length);
    parts.push(header, key, length, data);
  }
  return Buffer.concat(parts);
}

function decodeVars(body: Buffer): Map<string, Buffer> {
  const vars = new Map<string, Buffer>();
  let pos = 0;
  while (pos + 2 <= body.length) {
    const keyLength = body.readUInt16LE(pos);
    const key = body.toString("latin1", pos + 2, pos + 2 + keyLength);
    pos += 2 + keyLength;
    if (pos + 2 > body.length) break;
    const valueLength = body.readUInt16LE(pos);
    vars.set(key, body.subarray(pos + 2, pos + 2 + valueLength));
    pos += 2 + valueLength;
  }
  return vars;
}

function packet(modifier2: number, body: Buffer): Buffer {
  if (body.length > 0xffff) throw new DriverError("TOO_LARGE", "The uwsgi request header is longer than 65535 bytes.");
  const header = Buffer.alloc(4);
  header[0] = CACHE_MODIFIER1;
  header.writeUInt16LE(body.length, 1);
  header[3] = modifier2;
  return Buffer.concat([header, body]);
}

/**
 * Runs one exchange on `socket` under a timeout. With `idle`, the timeout counts from the last data
 * received rather than from the start: a long dump that keeps arriving is alive however long it takes
 * (a big item table, or a machine so busy that each chunk waits its turn), and a silent server still
 * fails after `timeoutMs`.
 */
function withDeadline<T>(
  socket: Socket,
  timeoutMs: number,
  label: string,
  run: (done: (value: T) => void, fail: (error: DriverError) => void) => void,
  options: { idle?: boolean } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const expire = () => {
      socket.destroy();
      reject(new DriverError("TIMEOUT", `${label} did not answer within ${timeoutMs} ms.`));
    };
    let timer = setTimeout(expire, timeoutMs);
    if (options.idle) {
      socket.on("data", () => {
        clearTimeout(timer);
        timer = setTimeout(expire, timeoutMs);
      });
    }
    run(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      },
    );
  });
}

/** Sends one request and collects the whole reply (until uWSGI closes), within `timeoutMs` overall. */
async function exchange(address: string, request: Buffer, timeoutMs: number, label = "uWSGI"): Promise<Buffer> {
  const started = Date.now();
  const socket = await openSocket(address, timeoutMs, label);
  return withDeadline<Buffer>(socket, Math.max(1, timeoutMs - (Date.now() - started)), `${label} at ${address}`, (done, fail) => {
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", (error) => fail(new DriverError("CONNECTION_REFUSED", `${label} at ${address}: ${error.message}`, { cause: error })));
    socket.on("close", () => done(Buffer.concat(chunks)));
    socket.end(request);
  });
}

export interface CacheReply {
  vars: Map<string, Buffer>;
  value: Buffer;
}

/** A `modifier2 = 17` command; null when uWSGI answered with nothing (a miss, or a refused write). */
export async function cacheCommand(
  address: string,
  vars: Record<string, VarValue>,
  value: Buffer | null,
  timeoutMs: number,
): Promise<CacheReply | null> {
  const request = packet(MAGIC_INTERFACE, encodeVars(vars));
  const reply = await exchange(address, value ? Buffer.concat([request, value]) : request, timeoutMs);
  if (reply.length === 0) return null;
  if (reply.length < 4 || reply[0] !== CACHE_MODIFIER1) {
    throw new DriverError("PROTOCOL_ERROR", `uWSGI at ${address} sent an unexpected reply (is this a uwsgi socket with the cache plugin?).`);
  }
  const varsLength = reply.readUInt16LE(1);
  const decoded = decodeVars(reply.subarray(4, 4 + varsLength));
  if (decoded.get("status")?.toString() !== "ok") return null;
  return { vars: decoded, value: reply.subarray(4 + varsLength) };
}

export const PLUGIN_MISSING_MESSAGE =
  "uWSGI answered, but its cache plugin is not loaded: start it with `--plugin cache` (or `--plugins python3,cache`).";

/**
 * Whether the uwsgi socket serves remote cache requests. Every cache request goes to uWSGI's `cache`
 * plugin (modifier1 111); a uWSGI started without it logs "unavailable modifier requested: 111" and hangs
 * up, which looks exactly like a miss. A stream-get of a random key tells them apart: the plugin always
 * answers it with a 4-byte header, found or not. Only the length is checked: uWSGI 2.0 sends the bytes of
 * its pointer to the header there rather than the header itself.
 */
export async function hasCachePlugin(address: string, timeoutMs: number): Promise<boolean> {
  const reply = await exchange(address, packet(STREAM_GET, Buffer.from(`cacheboard-probe:${randomUUID()}`)), timeoutMs);
  return reply.length >= 4;
}

/** Fails with PLUGIN_MISSING when the socket answers but not as the cache plugin. */
export async function requireCachePlugin(address: string, timeoutMs: number): Promise<void> {
  if (!(await hasCachePlugin(address, timeoutMs))) throw new DriverError("PLUGIN_MISSING", PLUGIN_MISSING_MESSAGE);
}

export interface TableItem {
  slot: number;
  flags: number;
  key: Buffer;
  valueSize: number;
  /** Absolute epoch seconds, 0 for none. */
  expires: number;
  hits: number;
}

/**
 * Streams the item table of a cache dump, calling `onItem` for each used slot from `fromSlot` on, and
 * hangs up when the table ends: the values after it are never read. `timeoutMs` is the longest silence
 * allowed, not the whole read's budget: a table of a large cache takes as long as it takes to arrive.
 */
export async function readItemTable(
  address: string,
  cache: string,
  keysize: number,
  fromSlot: number,
  timeoutMs: number,
  onItem: (item: TableItem) => void,
): Promise<void> {
  const socket = await openSocket(address, timeoutMs, "uWSGI");
  const slotBytes = ITEM_HEADER_BYTES + keysize;
  return withDeadline(socket, timeoutMs, `uWSGI at ${address}`, (done, fail) => {
    let buffer = Buffer.alloc(0);
    let headerParsed = false;
    /** Table byte offset of `buffer[0]`: bytes before the next slot are dropped as they arrive. */
    let tableOffset = 0;
    let items = 0;
    let slot = Math.max(1, fromSlot);
    let finished = false;
    const finish = () => {
      finished = true;
      socket.destroy();
      done();
    };
    socket.on("data", (chunk) => {
      if (finished) return;
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      if (!headerParsed) {
        if (buffer.length < 4) return;
        if (buffer[0] !== CACHE_MODIFIER1) {
          fail(new DriverError("PROTOCOL_ERROR", `uWSGI at ${address} sent an unexpected dump reply.`));
          return;
        }
        const varsLength = buffer.readUInt16LE(1);
        if (buffer.length < 4 + varsLength) return;
        items = Number(decodeVars(buffer.subarray(4, 4 + varsLength)).get("items")?.toString() ?? 0);
        buffer = buffer.subarray(4 + varsLength);
        headerParsed = true;
      }
      while (slot < items) {
        const offset = slot * slotBytes - tableOffset;
        if (offset + slotBytes > buffer.length) break;
        const current = slot++;
        const keyLength = Number(buffer.readBigUInt64LE(offset + 8));
        if (keyLength === 0) continue;
        const item: TableItem = {
          slot: current,
          flags: Number(buffer.readBigUInt64LE(offset)),
          key: Buffer.from(buffer.subarray(offset + ITEM_HEADER_BYTES, offset + ITEM_HEADER_BYTES + Math.min(keyLength, keysize))),
          valueSize: Number(buffer.readBigUInt64LE(offset + 24)),
          expires: Number(buffer.readBigUInt64LE(offset + 40)),
          hits: Number(buffer.readBigUInt64LE(offset + 48)),
        };
        onItem(item);
      }
      if (slot >= items) {
        finish();
        return;
      }
      const drop = Math.min(slot * slotBytes - tableOffset, buffer.length);
      if (drop > 0) {
        tableOffset += drop;
        buffer = buffer.subarray(drop);
      }
    });
    socket.on("error", (error) => fail(new DriverError("CONNECTION_REFUSED", `uWSGI at ${address}: ${error.message}`, { cause: error })));
    socket.on("close", () => {
      if (!finished) fail(new DriverError("PROTOCOL_ERROR", `uWSGI at ${address} closed the dump of cache "${cache}" before its item table ended (is the cache name right?).`));
    });
    socket.end(packet(DUMP_REQUEST, Buffer.from(cache, "latin1")));
  }, { idle: true });
}

interface UwsgiCacheStats {
  name: string;
  hash: string;
  hashsize: number;
  keysize: number;
  max_items: number;
  blocks: number;
  blocksize: number;
  items: number;
  hits: number;
  miss: number;
  full: number;
  last_modified_at: number;
}

export interface UwsgiStats {
  version?: string;
  pid?: number;
  load?: number;
  listen_queue?: number;
  caches?: UwsgiCacheStats[];
  workers?: { id: number; pid: number; requests: number; status: string }[];
  [key: string]: unknown;
}

/**
 * The `--stats` server's JSON (it writes it and closes). The master serves it between its other duties
 * and now and then hangs up without a word, so an empty answer is asked again while time remains.
 */
export async function fetchStats(address: string, timeoutMs: number): Promise<UwsgiStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await exchange(address, Buffer.alloc(0), Math.max(1, deadline - Date.now()), "uWSGI stats server");
    if (reply.length === 0 && Date.now() + 50 < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    try {
      return JSON.parse(reply.toString("utf8")) as UwsgiStats;
    } catch (error) {
      throw new DriverError("PROTOCOL_ERROR", `The uWSGI stats server at ${address} did not send JSON.`, { cause: error });
    }
  }
}
