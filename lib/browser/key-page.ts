import "server-only";
import { analyze, detect, formatLabel, type DetectHints } from "../codecs";
import { isDriverError } from "../drivers/errors";
import type { Driver, KeyMeta, KeyType } from "../drivers/types";
import { keyText, keyToParam } from "../key-text";
import type { KeyPage, KeyRow } from "./key-row";

export interface KeyPageRequest {
  cursor?: string;
  /** Glob in Redis MATCH syntax. */
  match?: Buffer;
  /** Namespace prefix, matched literally. */
  prefix?: Buffer;
  /** One key, looked up directly instead of scanning. */
  exact?: Buffer;
  type?: KeyType;
  /** Rows wanted; the page may hold fewer when the scan budget runs out first. */
  limit?: number;
  signal?: AbortSignal;
}

const SCAN_COUNT = 500;
/** A page stops scanning after this long even with few matches, so a sparse filter still answers promptly. */
const PAGE_BUDGET_MS = 400;
/** Bytes read from each string to detect its format; enough for every header FORMATS.md lists. */
const HEAD_BYTES = 1024;
/**
 * Only strings up to this size get a detected format in the list: the driver's read also digests the whole
 * value, which is not worth doing for a large value just to label a row. Opening the key detects it.
 */
const DETECT_MAX_SIZE = 1024 * 1024;

/** One page of the key list: scan from the cursor, then metadata and a format guess for just these rows. */
export async function keyPage(driver: Driver, request: KeyPageRequest): Promise<KeyPage> {
  const limit = Math.min(Math.max(request.limit ?? 200, 1), 1000);
  if (request.exact) {
    const rows = await describeRows(driver, [request.exact], undefined);
    const found = rows.filter((row) => row.exists && (!request.type || row.type === request.type));
    return { rows: found, cursor: "0", done: true, scanned: 1, estimated: false, covered: null, total: null, readAt: Date.now() };
  }
  const started = Date.now();
  const keys: Buffer[] = [];
  const metas: (KeyMeta | undefined)[] = [];
  let cursor = request.cursor ?? "";
  let done = false;
  let scanned = 0;
  let estimated = false;
  let covered: number | null = null;
  const total = driver.keyCount().catch(() => null);
  while (keys.length < limit && Date.now() - started < PAGE_BUDGET_MS) {
    const page = await driver.scan({
      cursor,
      match: request.match,
      prefix: request.prefix,
      type: request.type,
      count: SCAN_COUNT,
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
    if (page.done) {
      done = true;
      break;
    }
  }
  const known = metas.every((meta) => meta !== undefined) ? (metas as KeyMeta[]) : undefined;
  const rows = await describeRows(driver, keys, known);
  return { rows: rows.filter((row) => row.exists), cursor, done, scanned, estimated, covered, total: await total, readAt: Date.now() };
}

async function describeRows(driver: Driver, keys: Buffer[], known: KeyMeta[] | undefined): Promise<KeyRow[]> {
  const metas = known ?? (await driver.describe(keys));
  const formats = await Promise.all(metas.map((meta) => detectFormat(driver, meta)));
  return metas.map((meta, i) => {
    const shown = keyText(meta.key);
    return {
      param: keyToParam(meta.key),
      text: shown.text,
      binary: shown.binary,
      exists: meta.exists,
      type: meta.type,
      ttlMs: meta.ttlMs,
      size: meta.size,
      length: meta.length,
      format: formats[i],
    };
  });
}

async function detectFormat(driver: Driver, meta: KeyMeta): Promise<string | null> {
  if (!meta.exists || meta.type !== "string") return null;
  if (meta.size !== null && meta.size > DETECT_MAX_SIZE) return null;
  try {
    const read = await driver.read(meta.key, { offset: 0, limit: HEAD_BYTES });
    if (read.type !== "string") return null;
    const hints: DetectHints = {
      truncated: read.total > read.value.length,
      ...(driver.kind === "memcached" && read.flags !== undefined ? { memcachedFlags: read.flags } : {}),
      ...(driver.kind === "uwsgi" ? { uwsgi: true, ...(read.flags !== undefined ? { uwsgiFlags: read.flags } : {}) } : {}),
    };
    if (hints.truncated) return detect(read.value, hints)[0]?.format ?? null;
    return formatLabel(analyze(read.value, hints).value);
  } catch (error) {
    // Gone or changed type between the scan and the read: the row simply gets no format.
    if (isDriverError(error) && (error.code === "NOT_FOUND" || error.code === "WRONG_TYPE")) return null;
    throw error;
  }
}
