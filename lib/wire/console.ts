/**
 * What the command console sends and receives. A reply is a tree typed the way RESP3 types it (memcached and
 * uWSGI replies use the same shapes); bytes travel as base64, and a reply too big to show is cut on the server,
 * each cut node saying how much there was. Client-safe.
 */
import type { ErrorCode } from "./errors";

export type ConsoleValue =
  | { t: "simple"; text: string }
  | { t: "error"; text: string }
  /** A bulk string: `b64` holds the first bytes, `size` says how many there were. `format`: RESP3 verbatim type. */
  | { t: "blob"; b64: string; size: number; format?: string }
  | { t: "int"; value: string }
  | { t: "double"; value: string }
  | { t: "bignum"; value: string }
  | { t: "bool"; value: boolean }
  | { t: "null" }
  /** `total` is the element count the server sent; fewer `items` means the reply was cut. */
  | { t: "array" | "set" | "push"; items: ConsoleValue[]; total: number }
  | { t: "map"; entries: [ConsoleValue, ConsoleValue][]; total: number };

/** How much of one reply is kept: elements over the whole tree, and bytes of string content. */
export interface ReplyLimits {
  elements: number;
  bytes: number;
}

export const REPLY_LIMITS: ReplyLimits = { elements: 1000, bytes: 256 * 1024 };

/** One command's answer as the console route sends it. */
export interface ConsoleRunReply {
  ok: true;
  reply: ConsoleValue;
  /** The server that answered (cluster nodes, memcached pools), when there is more than one. */
  node: string | null;
  durationMs: number;
}

/** A refusal may come with the command to run instead (SCAN for KEYS, SSCAN for SMEMBERS on a big set…). */
export interface ConsoleRefusal {
  ok: false;
  code: ErrorCode;
  message: string;
  suggestion?: string;
  /** For CONFIRMATION_REQUIRED: what to type. */
  confirm?: string;
}

/** One command's documentation, for autocomplete and the inline hint. */
export interface CommandDoc {
  /** Upper case, sub-commands with a space: `CONFIG SET`. */
  name: string;
  syntax: string;
  summary: string;
}

export interface ConsoleDocsReply {
  ok: true;
  docs: CommandDoc[];
}
