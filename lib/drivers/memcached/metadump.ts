/**
 * A streamed key listing (`lru_crawler metadump`, or `stats cachedump` on old servers) on its own connection,
 * read so that memcached never waits on a slow reader: what the pages do not take yet goes to an unlinked
 * temporary file.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DriverError } from "../errors";
import { connectError, openSocket } from "../socket";
import { type ConnectionOptions, MemcachedConnection, throwIfError } from "./connection";
import { type DumpEntry, type KeyArena, parseCachedumpLineAt, parseDumpLineAt } from "./dump-line";

/** Time to wait after BUSY (another client's crawl is running) before asking for the dump again. */
const BUSY_RETRY_MS = 100;
/** Size of the blocks decoded keys are written into (keys keep their block alive, not a chunk each). */
const ARENA_BYTES = 1 << 20;
/** Bytes read back from a spool file at a time. */
const SPOOL_READ_BYTES = 1 << 20;

interface DumpOptions extends ConnectionOptions {
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
