/**
 * Export and import of keys: the JSON Lines file format and what its routes, actions and jobs answer.
 * Client-safe. The format is documented here, once:
 *
 * - First line, the header: `{ format: "cacheboard-keys", version: 1, exportedAt, source: { kind, name,
 *   version }, scope, dump }` (`dump`: whether key lines carry Redis DUMP payloads).
 * - One line per key: `{ key, keyText?, type, ttlMs, expiresAt, flags?, value, dump? }`. `key` is base64 of
 *   the exact bytes, `keyText` the key as text when it is plain UTF-8. `ttlMs` is the remaining time to live
 *   when exported (null: never expires), `expiresAt` the same as an epoch in milliseconds. `flags` are
 *   memcached client flags or uWSGI item flags. `dump` is the Redis DUMP payload (base64), restored as is
 *   into a Redis of the same or a newer version.
 *   `value` by type: string `{ base64, size, format?, decoded? }` (`decoded`: a readable rendering where a
 *   codec applies, `format` its label); hash `{ entries: [[field, value]…] }`; list `{ items: [item…] }`;
 *   set `{ members: [member…] }`; zset `{ members: [[member, score]…] }` (score a number, or "inf" / "-inf");
 *   stream `{ entries: [[id, [[field, value]…]]…] }`. Every element is base64.
 * - Last line: `{ format: "cacheboard-keys", end: true, keys }`; a file without it was cut short. An export
 *   that fails midway ends with `{ format: "cacheboard-keys", error: { code, message } }` instead.
 */
import type { ErrorCode } from "./errors";

export const TRANSFER_FORMAT = "cacheboard-keys";
export const TRANSFER_VERSION = 1;

/** What an export covers. Prefixes and keys are base64; a glob is text in Redis MATCH syntax. */
export type ExportScope =
  | { kind: "database" }
  | { kind: "namespace"; prefix: string }
  | { kind: "glob"; match: string; prefix?: string }
  | { kind: "keys"; keys: string[] };

export interface ExportHeader {
  format: typeof TRANSFER_FORMAT;
  version: number;
  exportedAt: string;
  source: { kind: string; name: string; version: string | null };
  /** The scope as exported, prefixes shown as text. */
  scope: { kind: ExportScope["kind"]; text: string };
  dump: boolean;
  /** Keys in the source database when the export started, for a progress bar; null when unknown. */
  total: number | null;
}

/** An export's last line: its end, or the failure that cut it short (with the keys written before it). */
export interface ExportEnd {
  format: typeof TRANSFER_FORMAT;
  end?: true;
  keys: number;
  error?: { code: ErrorCode; message: string };
}

export type ExportValue =
  | { base64: string; size: number; format?: string; decoded?: string }
  | { entries: [string, string][] }
  | { items: string[] }
  | { members: string[] }
  | { members: [string, number | "inf" | "-inf"][] }
  | { entries: [string, [string, string][]][] };

/** What happens to a key that exists already: skip it, replace it, or stop the import at the first one that differs. */
export type ImportPolicy = "skip" | "overwrite" | "fail";

/** Remaining TTL as exported (counted from the import), the same moment as the source, none, or a given TTL. */
export type ImportTtl = { mode: "keep" } | { mode: "absolute" } | { mode: "none" } | { mode: "set"; ttlMs: number };

/** What the uploaded file holds, answered by the upload. */
export interface UploadedFile {
  uploadId: string;
  bytes: number;
  /** Lines that are not the header or the end line. */
  lines: number;
  header: ExportHeader | null;
  /** False when the end line is missing: the export was cut short. */
  complete: boolean;
}

/** Counts of a preview or an import. */
export interface ImportCounts {
  /** Keys in the file. */
  total: number;
  /** Absent in the target. */
  new: number;
  /** Present with the same value. */
  existing: number;
  /** Present with another value (or of another type). */
  conflicting: number;
  /** Over the target's key or value limits, or a line too long to read. */
  tooBig: number;
  /** Lines that could not be read, keys the target cannot hold (a collection in memcached), keys already expired. */
  invalid: number;
  /** Written (imports only). */
  written: number;
  /** Left alone (imports only): existing and identical, or existing under the skip policy. */
  skipped: number;
}

/** The job's result: the counts so far (published while it runs). */
export interface ImportJobResult {
  counts: ImportCounts;
}

export function emptyCounts(): ImportCounts {
  return { total: 0, new: 0, existing: 0, conflicting: 0, tooBig: 0, invalid: 0, written: 0, skipped: 0 };
}
