import "server-only";
import { z } from "zod";
import { DriverError } from "../../drivers/errors";
import type { Driver } from "../../drivers/types";
import type { ExportValue, ImportTtl } from "../../wire/transfer";
import type { ExportType } from "./key-value";

/**
 * One key line of an export file, read and checked (format: `lib/wire/transfer.ts`), and how it is written
 * into a cache: Redis DUMP payloads by RESTORE where the target takes them, anything else through the
 * driver's own writes, memcached and uWSGI flags kept.
 */

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const score = z.union([z.number(), z.literal("inf"), z.literal("-inf")]);

const lineSchema = z.object({
  key: base64,
  type: z.enum(["string", "hash", "list", "set", "zset", "stream"]),
  ttlMs: z.number().int().nonnegative().nullable(),
  expiresAt: z.number().int().nullable().optional(),
  flags: z.number().int().nonnegative().max(0xffffffff).optional(),
  value: z.union([
    z.object({ base64, size: z.number().optional() }).loose(),
    z.object({ entries: z.array(z.tuple([base64, base64])) }),
    z.object({ items: z.array(base64) }),
    z.object({ members: z.array(base64) }),
    z.object({ members: z.array(z.tuple([base64, score])) }),
    z.object({ entries: z.array(z.tuple([z.string(), z.array(z.tuple([base64, base64]))])) }),
  ]),
  dump: base64.optional(),
});

export interface KeyRecord {
  /** The key as it will be written (after the prefix rewrite). */
  key: Buffer;
  type: ExportType;
  ttlMs: number | null;
  expiresAt: number | null;
  flags?: number;
  value: ExportValue;
  dump?: Buffer;
  /** Bytes of a string value; the sum of element bytes of a collection. */
  size: number;
}

const bytes = (text: string) => Buffer.from(text, "base64");

function valueSize(type: ExportType, value: ExportValue): number {
  const sum = (texts: string[]) => texts.reduce((n, t) => n + Math.floor((t.length * 3) / 4), 0);
  if ("base64" in value) return Math.floor((value.base64.length * 3) / 4);
  if (type === "hash" && "entries" in value) return sum((value.entries as [string, string][]).flat());
  if ("items" in value) return sum(value.items);
  if (type === "set" && "members" in value) return sum(value.members as string[]);
  if (type === "zset" && "members" in value) return sum((value.members as [string, unknown][]).map((m) => m[0]));
  if (type === "stream" && "entries" in value) return sum((value.entries as [string, [string, string][]][]).flatMap((e) => e[1].flat()));
  return 0;
}

/** A key line, or null when it is not one (the end line, or anything unreadable: counted as invalid by the caller). */
export function parseLine(line: Buffer, rewrite: { from: Buffer; to: Buffer } | null): KeyRecord | "end" | null {
  let json: unknown;
  try {
    json = JSON.parse(line.toString("utf8"));
  } catch {
    return null;
  }
  if (json && typeof json === "object" && "end" in json && (json as { end: unknown }).end === true) return "end";
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) return null;
  const { type } = parsed.data;
  const value = parsed.data.value as { base64?: string; items?: unknown[]; members?: unknown[]; entries?: [string, unknown][] };
  // The value's shape must be the one of its type.
  const shapeOk =
    type === "string"
      ? value.base64 !== undefined
      : type === "list"
        ? value.items !== undefined
        : type === "set"
          ? value.members?.every((m) => typeof m === "string")
          : type === "zset"
            ? value.members?.every((m) => Array.isArray(m))
            : type === "hash"
              ? value.entries?.every((e) => typeof e[1] === "string")
              : value.entries?.every((e) => Array.isArray(e[1]));
  if (!shapeOk) return null;
  let key = bytes(parsed.data.key);
  if (rewrite && key.subarray(0, rewrite.from.length).equals(rewrite.from)) key = Buffer.concat([rewrite.to, key.subarray(rewrite.from.length)]);
  return {
    key,
    type,
    ttlMs: parsed.data.ttlMs,
    expiresAt: parsed.data.expiresAt ?? null,
    flags: parsed.data.flags,
    value: value as ExportValue,
    dump: parsed.data.dump === undefined ? undefined : bytes(parsed.data.dump),
    size: valueSize(type, value as ExportValue),
  };
}

/** The TTL to write, or "expired" for a key whose moment (kept as absolute) has passed. */
export function ttlFor(record: KeyRecord, ttl: ImportTtl, now: number): number | null | "expired" {
  switch (ttl.mode) {
    case "keep":
      return record.ttlMs === null ? null : Math.max(1, record.ttlMs);
    case "absolute": {
      if (record.expiresAt === null) return null;
      const remaining = record.expiresAt - now;
      return remaining > 0 ? remaining : "expired";
    }
    case "none":
      return null;
    case "set":
      return ttl.ttlMs;
  }
}

const scoreValue = (s: number | "inf" | "-inf") => (s === "inf" ? Infinity : s === "-inf" ? -Infinity : s);

/** A payload from another Redis version or build that this server will not restore: written element by element instead. */
function unrestorable(error: unknown): boolean {
  return error instanceof Error && /payload version|checksum|Bad data format|DUMP payload/i.test(error.message);
}

/**
 * Writes one key. `replace`: the key may exist and is replaced (overwrite policy); otherwise an existing key
 * makes it fail with ALREADY_EXISTS and nothing is written.
 */
export async function writeRecord(driver: Driver, record: KeyRecord, ttlMs: number | null, replace: boolean, useDump: boolean): Promise<void> {
  const { key, value } = record;
  if (useDump && record.dump && driver.restore) {
    try {
      await driver.restore(key, record.dump, { ttlMs, replace });
      return;
    } catch (error) {
      if (!unrestorable(error)) throw error;
    }
  }
  if ("base64" in value) {
    await driver.write(key, bytes(value.base64), { ttlMs, ifAbsent: !replace, flags: record.flags });
    return;
  }
  const collections = driver.collections;
  if (!collections) throw new DriverError("UNSUPPORTED", "This connection holds strings only.");
  const options = { ttlMs, ifAbsent: !replace };
  switch (record.type) {
    case "hash":
      return collections.create(key, { type: "hash", entries: (value as { entries: [string, string][] }).entries.map(([f, v]) => ({ field: bytes(f), value: bytes(v) })) }, options);
    case "list":
      return collections.create(key, { type: "list", items: (value as { items: string[] }).items.map(bytes) }, options);
    case "set":
      return collections.create(key, { type: "set", members: (value as { members: string[] }).members.map(bytes) }, options);
    case "zset":
      return collections.create(
        key,
        { type: "zset", members: (value as { members: [string, number | "inf" | "-inf"][] }).members.map(([m, s]) => ({ member: bytes(m), score: scoreValue(s) })) },
        options,
      );
    case "stream": {
      // Entries keep their ids; consumer groups travel only in a DUMP payload.
      if (replace) await driver.delete([key]);
      else if ((await driver.describe([key]))[0]?.exists) throw new DriverError("ALREADY_EXISTS", "The key already exists");
      for (const [id, fields] of (value as { entries: [string, [string, string][]][] }).entries) {
        await collections.streamAdd(key, id, fields.map(([f, v]) => ({ field: bytes(f), value: bytes(v) })));
      }
      if (ttlMs !== null) await driver.expire(key, ttlMs);
      return;
    }
  }
}
