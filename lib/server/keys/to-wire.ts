import "server-only";
import type { ReadResult } from "../../drivers/types";
import type { WireRead } from "../../wire/value";

/** A driver's read result as the key route sends it: every byte string as base64. */
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
