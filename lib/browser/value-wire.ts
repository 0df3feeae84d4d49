/**
 * What the key route sends the browser for one page of a key: the driver's read result with every byte
 * string as base64, because keys, values and members are arbitrary bytes and JSON has no bytes type.
 * Shared by the route (which builds it) and the key pane (which reads it).
 */
import type { KeyType, ReadResult } from "../drivers/types";

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

export interface WireHash {
  type: "hash";
  ttlMs: number | null;
  entries: { field: string; value: string }[];
  cursor: string;
  done: boolean;
  total: number;
}

export interface WireList {
  type: "list";
  ttlMs: number | null;
  items: string[];
  offset: number;
  total: number;
}

export interface WireSet {
  type: "set";
  ttlMs: number | null;
  members: string[];
  cursor: string;
  done: boolean;
  total: number;
}

export interface WireZset {
  type: "zset";
  ttlMs: number | null;
  members: { member: string; score: number }[];
  offset: number;
  total: number;
}

export interface WireStream {
  type: "stream";
  ttlMs: number | null;
  entries: { id: string; fields: { field: string; value: string }[] }[];
  total: number;
  nextCursor: string | null;
}

export type WireRead = WireString | WireHash | WireList | WireSet | WireZset | WireStream;

export type WireReply = { ok: true; read: WireRead } | { ok: false; code: string; message: string };

export type CollectionType = Exclude<KeyType, "string" | "unknown">;

function b64(bytes: Buffer): string {
  return bytes.toString("base64");
}

function pairs(list: { field: Buffer; value: Buffer }[]): { field: string; value: string }[] {
  return list.map(({ field, value }) => ({ field: b64(field), value: b64(value) }));
}

export function toWire(read: ReadResult): WireRead {
  const ttlMs = read.ttlMs;
  switch (read.type) {
    case "string":
      return { type: "string", ttlMs, value: b64(read.value), offset: read.offset, total: read.total, digest: read.digest, flags: read.flags };
    case "hash":
      return { type: "hash", ttlMs, entries: pairs(read.entries), cursor: read.cursor, done: read.done, total: read.total };
    case "list":
      return { type: "list", ttlMs, items: read.items.map(b64), offset: read.offset, total: read.total };
    case "set":
      return { type: "set", ttlMs, members: read.members.map(b64), cursor: read.cursor, done: read.done, total: read.total };
    case "zset":
      return { type: "zset", ttlMs, members: read.members.map((m) => ({ member: b64(m.member), score: m.score })), offset: read.offset, total: read.total };
    case "stream":
      return {
        type: "stream",
        ttlMs,
        entries: read.entries.map((e) => ({ id: e.id, fields: pairs(e.fields) })),
        total: read.total,
        nextCursor: read.nextCursor,
      };
  }
}
