/**
 * A RESP3 (and RESP2) reply reader for the console's own connections: it keeps each reply's type exactly
 * (maps, sets, doubles, big numbers, verbatim strings, nulls, errors) and its bytes, and keeps only what the
 * limits allow — the rest of a huge reply is read off the socket and dropped as it comes, never held whole.
 */
import type { Socket } from "node:net";
import type { ConsoleValue, ReplyLimits } from "../../wire/console";
import { DriverError } from "../errors";

const CRLF = Buffer.from("\r\n");

/** Buffers a socket's data and hands it out as lines and byte runs, waiting for more when needed. */
export class SocketReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(socket: Socket, label: string) {
    socket.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.notify();
    });
    socket.on("error", (error) => this.fail(new DriverError("CONNECTION_REFUSED", `${label}: ${error.message}`, { cause: error })));
    socket.on("close", () => this.fail(new DriverError("CONNECTION_REFUSED", `${label} closed the connection.`)));
  }

  /** Makes every pending and later read fail (timeouts, closed sockets). */
  fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async more(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    if (this.failure && this.length === 0) throw this.failure;
  }

  /** One line without its CRLF, as latin1 text (lines carry types, lengths and numbers). */
  async line(): Promise<string> {
    for (;;) {
      if (this.chunks.length) {
        const first = this.chunks[0];
        const end = first.indexOf(CRLF);
        if (end >= 0) {
          const text = first.toString("latin1", 0, end);
          this.consume(end + 2);
          return text;
        }
        if (this.chunks.length > 1) {
          // A line split across chunks: join the first two and look again.
          this.chunks.splice(0, 2, Buffer.concat([first, this.chunks[1]]));
          continue;
        }
      }
      await this.more();
    }
  }

  private consume(n: number): void {
    let left = n;
    while (left > 0) {
      const first = this.chunks[0];
      if (first.length <= left) {
        this.chunks.shift();
        left -= first.length;
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
  }

  /** The next `keep` bytes (copied), then `drop` more read and discarded. */
  async bytes(keep: number, drop: number): Promise<Buffer> {
    const kept: Buffer[] = [];
    let want = keep;
    while (want > 0) {
      if (!this.length) await this.more();
      const take = Math.min(want, this.chunks[0].length);
      kept.push(Buffer.from(this.chunks[0].subarray(0, take)));
      this.consume(take);
      want -= take;
    }
    let skip = drop;
    while (skip > 0) {
      if (!this.length) await this.more();
      const take = Math.min(skip, this.length);
      this.consume(take);
      skip -= take;
    }
    return Buffer.concat(kept);
  }
}

interface Budget {
  elements: number;
  bytes: number;
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new DriverError("PROTOCOL_ERROR", `Not a length in a reply: ${text}`);
  return n;
}

async function blob(reader: SocketReader, size: number, budget: Budget | null): Promise<Buffer> {
  const keep = budget ? Math.min(size, budget.bytes) : 0;
  if (budget) budget.bytes -= keep;
  const value = await reader.bytes(keep, size - keep + 2);
  return value;
}

/**
 * Reads one reply. With a budget, keeps what it allows and counts the rest; with none (`null`), reads the
 * reply off the socket and keeps nothing (the part past the limits).
 */
export async function readReply(reader: SocketReader, budget: Budget | null): Promise<ConsoleValue> {
  const line = await reader.line();
  const type = line[0];
  const rest = line.slice(1);
  switch (type) {
    case "+":
      return { t: "simple", text: Buffer.from(rest, "latin1").toString("utf8") };
    case "-":
      return { t: "error", text: Buffer.from(rest, "latin1").toString("utf8") };
    case ":":
      return { t: "int", value: rest };
    case ",":
      return { t: "double", value: rest };
    case "(":
      return { t: "bignum", value: rest };
    case "#":
      return { t: "bool", value: rest === "t" };
    case "_":
      return { t: "null" };
    case "$":
    case "=":
    case "!": {
      const size = count(rest);
      if (size < 0) return { t: "null" };
      const bytes = await blob(reader, size, budget);
      if (type === "!") return { t: "error", text: bytes.toString("utf8") };
      if (type === "=") return { t: "blob", b64: bytes.subarray(4).toString("base64"), size: size - 4, format: bytes.subarray(0, 3).toString("latin1") };
      return { t: "blob", b64: bytes.toString("base64"), size };
    }
    case "*":
    case "~":
    case ">": {
      const total = count(rest);
      if (total < 0) return { t: "null" };
      const items: ConsoleValue[] = [];
      for (let i = 0; i < total; i++) {
        if (budget && budget.elements > 0) {
          budget.elements--;
          items.push(await readReply(reader, budget));
        } else await readReply(reader, null);
      }
      return { t: type === "*" ? "array" : type === "~" ? "set" : "push", items, total };
    }
    case "%":
    case "|": {
      const total = count(rest);
      const entries: [ConsoleValue, ConsoleValue][] = [];
      for (let i = 0; i < total; i++) {
        if (budget && budget.elements > 0) {
          budget.elements--;
          entries.push([await readReply(reader, budget), await readReply(reader, budget)]);
        } else {
          await readReply(reader, null);
          await readReply(reader, null);
        }
      }
      // Attributes describe the reply that follows; the console shows the reply.
      if (type === "|") return readReply(reader, budget);
      return { t: "map", entries, total };
    }
    default:
      throw new DriverError("PROTOCOL_ERROR", `Unknown reply type ${JSON.stringify(type)}`);
  }
}

/** A command as RESP: an array of bulk strings. */
export function encodeCommand(args: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) parts.push(Buffer.from(`$${arg.length}\r\n`), arg, CRLF);
  return Buffer.concat(parts);
}

export function freshBudget(limits: ReplyLimits): Budget {
  return { elements: limits.elements, bytes: limits.bytes };
}
