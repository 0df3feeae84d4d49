/**
 * What the key route sends the browser for one page of a key: the driver's read result with every byte
 * string as base64, because keys, values and members are arbitrary bytes and JSON has no bytes type.
 * Shared by the route (which builds it with `lib/server/keys/to-wire.ts`) and the key pane (which reads it).
 */
import type { ErrorCode } from "./errors";

export const STRING_PAGE_BYTES = 65536;
export const COLLECTION_PAGE_ITEMS = 100;

export interface WireString {
  type: "string";
  ttlMs: number | null;
  value: string;
  offset: number;
  total: number;
  digest: string;
  flags?: number;
}

interface WireHash {
  type: "hash";
  ttlMs: number | null;
  entries: { field: string; value: string }[];
  cursor: string;
  done: boolean;
  total: number;
}

interface WireList {
  type: "list";
  ttlMs: number | null;
  items: string[];
  offset: number;
  total: number;
}

interface WireSet {
  type: "set";
  ttlMs: number | null;
  members: string[];
  cursor: string;
  done: boolean;
  total: number;
}

interface WireZset {
  type: "zset";
  ttlMs: number | null;
  members: { member: string; score: number }[];
  offset: number;
  total: number;
}

interface WireStream {
  type: "stream";
  ttlMs: number | null;
  entries: { id: string; fields: { field: string; value: string }[] }[];
  total: number;
  nextCursor: string | null;
}

export type WireRead = WireString | WireHash | WireList | WireSet | WireZset | WireStream;

export type WireReply = { ok: true; read: WireRead } | { ok: false; code: ErrorCode; message: string };

