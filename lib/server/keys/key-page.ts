import "server-only";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ScanPace } from "../../connections/scan-pace";
import { walkCount } from "../../connections/server-load";
import { detectLabel, type DetectHints } from "../../codecs";
import { DriverError, isDriverError } from "../../drivers/errors";
import type { Driver, KeyMeta, KeyType } from "../../drivers/types";
import { keyText, keyToParam } from "../../wire/keys";
import { kindOf } from "../../kinds";
import { FIRST_PAGE_ROWS, MAX_PAGE_ROWS, type KeyPage, type KeyRow } from "../../wire/key-page";

interface KeyPageRequest {
  cursor?: string;
  /** Glob in Redis MATCH syntax. */
  match?: Buffer;
  /** Namespace prefix, matched literally. */
  prefix?: Buffer;
  /** One key, looked up directly instead of scanning. */
  exact?: Buffer;
  type?: KeyType;
  /** Rows wanted (1..MAX_PAGE_ROWS, default 200): never more; fewer when the scan budget runs out first. */
  limit?: number;
  /**
   * The connection's scan pace: a page's SCAN calls ask for at most `count` keys and wait `pauseMs` between
   * them, so a search walking a whole keyspace page after page spares the server like any other walk.
   */
  pace?: Pick<ScanPace, "count" | "pauseMs">;
  signal?: AbortSignal;
}

/**
 * Keys a page's SCAN call asks for when no pace is given. With a pace, a call asks for as many keys as the page
 * has rows, up to the pace's count (what the connection accepts per call): a page of 2,000 rows on the
 * production default is one call instead of four calls of 500 with three pauses between them.
 */
const SCAN_COUNT = 500;
/** A page stops scanning after this long even with few matches, so a sparse filter still answers promptly. */
const PAGE_BUDGET_MS = 400;
/**
 * A page also stops after looking at this many keys, whatever the clock says: a sparse search then reports
 * its progress, and can be stopped, every few thousand keys on a fast server as on a slow one.
 */
const PAGE_EXAMINE_LIMIT = 10_000;
/** Bytes read from each string to detect its format; enough for every header docs/formats.md lists. */
const HEAD_BYTES = 1024;
/**
 * A backend without prefix reads (`describeHeads`) returns the whole value to read its head: only values up to
 * this size get a detected format there. Opening the key detects it.
 */
const DETECT_MAX_SIZE = 1024 * 1024;
/** Longest cursor that carries its leftover keys inline; longer leftovers are kept here behind a handle. */
const INLINE_CURSOR_CHARS = 1500;
const HANDLE_TTL_MS = 15 * 60_000;
const MAX_HANDLES = 500;

/** Where a listing stands between pages: the backend's cursor plus keys it returned that no page has shown yet. */
interface Position {
  cursor: string;
  done: boolean;
  leftover: Buffer[];
}

/**
 * Leftovers too long for a cursor, by random handle, shared by every module copy in this process. A handle
 * lives 15 minutes; a page asked for with an expired one is refused with a clear message instead of silently
 * skipping keys.
 */
const handles: Map<string, { position: Position; expires: number }> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("cacheboard.keyPageHandles")
] ??= new Map()) as Map<string, { position: Position; expires: number }>;

function encodePosition(position: Position): string {
  if (position.leftover.length === 0) return position.done ? "" : position.cursor;
  const inline = `k1.${Buffer.from(
    JSON.stringify({ c: position.cursor, d: position.done, k: position.leftover.map((key) => key.toString("base64url")) }),
  ).toString("base64url")}`;
  if (inline.length <= INLINE_CURSOR_CHARS) return inline;
  const now = Date.now();
  for (const [id, entry] of handles) if (entry.expires < now || handles.size >= MAX_HANDLES) handles.delete(id);
  const id = randomBytes(12).toString("base64url");
  handles.set(id, { position, expires: now + HANDLE_TTL_MS });
  return `k1h.${id}`;
}

function decodePosition(cursor: string | undefined): Position {
  if (!cursor) return { cursor: "", done: false, leftover: [] };
  if (cursor.startsWith("k1h.")) {
    const entry = handles.get(cursor.slice(4));
    if (!entry || entry.expires < Date.now()) {
      throw new DriverError("INVALID_ARGUMENT", "This page of the key list expired; reload the list to start again.");
    }
    handles.delete(cursor.slice(4));
    return entry.position;
  }
  if (cursor.startsWith("k1.")) {
    try {
      const parsed = JSON.parse(Buffer.from(cursor.slice(3), "base64url").toString("utf8")) as { c: unknown; d: unknown; k: unknown };
      if (typeof parsed.c === "string" && typeof parsed.d === "boolean" && Array.isArray(parsed.k) && parsed.k.every((k) => typeof k === "string")) {
        return { cursor: parsed.c, done: parsed.d, leftover: (parsed.k as string[]).map((k) => Buffer.from(k, "base64url")) };
      }
    } catch {
      // Falls through to the refusal below.
    }
    throw new DriverError("INVALID_ARGUMENT", "Malformed key list cursor");
  }
  return { cursor, done: false, leftover: [] };
}

/**
 * One page of the key list: exactly `limit` keys at most (1..MAX_PAGE_ROWS), scanning from the cursor, then metadata
 * and a format guess for just these rows. A scan step may return more keys than the page has room for; the
 * rest ride in the returned cursor (inline when short, else behind a handle), so no key is skipped or shown
 * twice across pages.
 */
export async function keyPage(driver: Driver, request: KeyPageRequest): Promise<KeyPage> {
  const limit = Math.min(Math.max(Math.floor(request.limit ?? FIRST_PAGE_ROWS), 1), MAX_PAGE_ROWS);
  if (request.exact) {
    const rows = await describeRows(driver, [request.exact], undefined);
    const found = rows.filter((row) => row.exists && (!request.type || row.type === request.type));
    return { rows: found, cursor: "0", done: true, scanned: 1, estimated: false, covered: null, total: null, readAt: Date.now() };
  }
  const started = Date.now();
  const position = decodePosition(request.cursor);
  const keys: Buffer[] = [...position.leftover];
  const metas: (KeyMeta | undefined)[] = keys.map(() => undefined);
  let cursor = position.cursor;
  let done = position.done;
  let scanned = 0;
  let estimated = false;
  let covered: number | null = null;
  const total = driver.keyCount().catch(() => null);
  let calls = 0;
  while (!done && keys.length < limit && scanned < PAGE_EXAMINE_LIMIT && Date.now() - started < PAGE_BUDGET_MS) {
    if (calls++ > 0 && request.pace?.pauseMs) await sleep(request.pace.pauseMs, undefined, { signal: request.signal }).catch(() => undefined);
    const page = await driver.scan({
      cursor,
      match: request.match,
      prefix: request.prefix,
      type: request.type,
      count: await pageCount(driver, request, Math.min(request.pace?.count ?? SCAN_COUNT, Math.max(limit, 50))),
      signal: request.signal,
    });
    scanned += page.progress?.examined ?? page.keys.length;
    estimated ||= page.progress?.estimated ?? false;
    covered = page.progress?.covered ?? null;
    page.keys.forEach((key, i) => {
      keys.push(key);
      metas.push(page.meta?.[i]);
    });
    cursor = page.cursor;
    done = page.done;
  }
  const shown = keys.slice(0, limit);
  const shownMetas = metas.slice(0, limit);
  const next = { cursor, done, leftover: keys.slice(limit) };
  const known = shownMetas.every((meta) => meta !== undefined) ? (shownMetas as KeyMeta[]) : undefined;
  const rows = await describeRows(driver, shown, known);
  return {
    rows: rows.filter((row) => row.exists),
    cursor: encodePosition(next),
    done: next.done && next.leftover.length === 0,
    scanned,
    estimated,
    covered,
    total: await total,
    readAt: Date.now(),
  };
}

/** The first bytes of a string value with what detection needs to know about the rest. */
interface ValueHead {
  bytes: Buffer;
  /** Length of the whole value. */
  total: number;
  flags?: number;
}

export async function describeRows(driver: Driver, keys: Buffer[], known: KeyMeta[] | undefined): Promise<KeyRow[]> {
  let metas: KeyMeta[];
  let heads: (ValueHead | null)[];
  if (!known && driver.describeHeads) {
    const described = await driver.describeHeads(keys, HEAD_BYTES);
    metas = described;
    heads = described.map((meta) => (meta.head ? { bytes: meta.head, total: meta.size ?? meta.head.length, flags: meta.flags } : null));
  } else {
    metas = known ?? (await driver.describe(keys));
    heads = await Promise.all(metas.map((meta) => readHead(driver, meta)));
  }
  return metas.map((meta, i) => {
    const head = heads[i];
    return keyRowOf(meta, head ? detectFormat(driver, head) : null);
  });
}

/** A described key as the key list shows it. */
export function keyRowOf(meta: KeyMeta, format: string | null): KeyRow {
  const shown = keyText(meta.key);
  return {
    param: keyToParam(meta.key),
    text: shown.text,
    binary: shown.binary,
    hidden: shown.hidden,
    exists: meta.exists,
    type: meta.type,
    ttlMs: meta.ttlMs,
    size: meta.size,
    length: meta.length,
    format,
  };
}

/**
 * Keys one SCAN call of a page asks for. A filtered page (pattern, namespace or type) may walk far more keys
 * than it shows, page after page, like any other walk: on a paced connection it asks a busy server for a
 * quarter (lib/connections/server-load.ts). An unfiltered page shows what it scans, and keeps its count.
 */
async function pageCount(driver: Driver, request: KeyPageRequest, count: number): Promise<number> {
  const filtered = request.match !== undefined || request.prefix !== undefined || request.type !== undefined;
  return filtered ? (await walkCount(driver, request.pace?.pauseMs ?? 0, count)).count : count;
}

/** A string's head by a ranged read, for backends without `describeHeads`. */
async function readHead(driver: Driver, meta: KeyMeta): Promise<ValueHead | null> {
  if (!meta.exists || meta.type !== "string") return null;
  if (!driver.capabilities.rangeRead && meta.size !== null && meta.size > DETECT_MAX_SIZE) return null;
  try {
    const read = await driver.read(meta.key, { offset: 0, bytes: HEAD_BYTES });
    return read.type === "string" ? { bytes: read.value, total: read.total, flags: read.flags } : null;
  } catch (error) {
    // Gone or changed type between the scan and the read: the row simply gets no format.
    if (isDriverError(error) && (error.code === "NOT_FOUND" || error.code === "WRONG_TYPE")) return null;
    throw error;
  }
}

function detectFormat(driver: Driver, head: ValueHead): string | null {
  const hints: DetectHints = {
    truncated: head.total > head.bytes.length,
    ...kindOf(driver.kind).valueHints(head.flags),
  };
  return detectLabel(head.bytes, hints);
}
