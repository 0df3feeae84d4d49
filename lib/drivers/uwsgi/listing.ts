/**
 * Listing the keys of a uWSGI instance: every cache is a namespace (`<cache>:<key>`), walked slot by slot in
 * its item table; and the prefix walks behind namespace count, delete and expire.
 */
import { DriverError } from "../errors";
import { scanMatcher } from "../glob";
import type { KeyMeta, PrefixOptions, PrefixResult, ScanPage, ScanRequest } from "../types";
import type { TableItem } from "./protocol";
import { type CacheGeometry, ttlFromExpires, type UwsgiServer } from "./server";

const DEFAULT_PAGE = 500;
/** How long the unlisted rest of an item table waits for the next page (keys may change meanwhile). */
const TABLE_READ_IDLE_MS = 30_000;

/** Rests of item tables read by a page, by uwsgi address, cache and first slot: see `tableFrom`. */
const tableReads = new Map<string, { items: TableItem[]; timer: NodeJS.Timeout }>();
const MAX_PAGE = 100_000;

function encodeCursor(cache: number, slot: number): string {
  return `u1.${cache}.${slot}`;
}

function decodeCursor(cursor: string): { cache: number; slot: number } {
  const match = /^u1\.(\d+)\.(\d+)$/.exec(cursor);
  if (!match) throw new DriverError("INVALID_ARGUMENT", "This listing cursor is not a uWSGI cursor.");
  return { cache: Number(match[1]), slot: Number(match[2]) };
}

function keyFilter(prefix?: Buffer, match?: Buffer): (key: Buffer) => boolean {
  const matches = match ? scanMatcher(match) : null;
  return (key) =>
    (!prefix || (key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix))) && (!matches || matches(key));
}

/** Whether any key of `cache` can start with `prefix`. */
function cacheMayMatch(cache: CacheGeometry, prefix?: Buffer): boolean {
  if (!prefix) return true;
  const head = Buffer.from(`${cache.name}:`);
  const n = Math.min(head.length, prefix.length);
  return head.subarray(0, n).equals(prefix.subarray(0, n));
}

const liveItem = (expires: number, now: number) => expires === 0 || expires > now;

/**
 * The used slots of `cache` from `slot` on. A page reads the rest of the item table in one go and
 * keeps what it did not hand out for the next page (`tableReads`): a dump can only start at slot 0, so
 * reading just one page's worth each time would cost the whole table up to the cursor, per page.
 */
async function tableFrom(server: UwsgiServer, cache: CacheGeometry, slot: number): Promise<{ items: TableItem[] }> {
  const id = `${server.address}\0${cache.name}\0${slot}`;
  const kept = tableReads.get(id);
  if (kept) {
    clearTimeout(kept.timer);
    tableReads.delete(id);
    return kept;
  }
  const items: TableItem[] = [];
  await server.readItemTable(server.address, cache.name, cache.keysize, slot, server.timeoutMs, (item) => items.push(item));
  return { items };
}

function keepTable(server: UwsgiServer, cache: CacheGeometry, slot: number, items: TableItem[]): void {
  const id = `${server.address}\0${cache.name}\0${slot}`;
  const timer = setTimeout(() => tableReads.delete(id), TABLE_READ_IDLE_MS);
  timer.unref();
  tableReads.set(id, { items, timer });
}

/** A page of the listing: up to `count` item-table slots examined, across the caches in order. */
export async function scanKeys(server: UwsgiServer, request: ScanRequest): Promise<ScanPage> {
  if (request.signal?.aborted) throw new DriverError("CANCELLED", "The listing was cancelled.");
  const all = await server.caches();
  const budget = Math.min(MAX_PAGE, Math.max(1, request.count ?? DEFAULT_PAGE));
  const accepts = keyFilter(request.prefix, request.match);
  let { cache: index, slot } = request.cursor ? decodeCursor(request.cursor) : { cache: 0, slot: 1 };
  const keys: Buffer[] = [];
  const meta: KeyMeta[] = [];
  if (request.type && request.type !== "string") return { cursor: "", done: true, keys, meta };
  let examined = 0;
  while (index < all.length && examined < budget) {
    const cache = all[index];
    if (!cacheMayMatch(cache, request.prefix)) {
      index++;
      slot = 1;
      continue;
    }
    const head = Buffer.from(`${cache.name}:`);
    const now = Date.now() / 1000;
    const rest = await tableFrom(server, cache, slot);
    let served = 0;
    while (served < rest.items.length && examined < budget) {
      const item = rest.items[served++];
      examined++;
      if (!liveItem(item.expires, now)) continue;
      const key = Buffer.concat([head, item.key]);
      if (accepts(key)) {
        keys.push(key);
        meta.push({ key, exists: true, type: "string", ttlMs: ttlFromExpires(item.expires), size: item.valueSize, length: null, flags: item.flags });
      }
    }
    if (served === rest.items.length) {
      index++;
      slot = 1;
    } else {
      slot = rest.items[served].slot;
      keepTable(server, cache, slot, rest.items.slice(served));
    }
  }
  const done = index >= all.length;
  return { cursor: done ? "" : encodeCursor(index, slot), done, keys, meta, progress: { examined, estimated: false, covered: null } };
}

/** One pass over each cache's item table whose name can start with `prefix`, acting on the matching keys in batches. */
export async function walkPrefix(
  server: UwsgiServer,
  prefix: Buffer,
  prefixOptions: PrefixOptions,
  act: ((cache: CacheGeometry, inner: Buffer[]) => Promise<number>) | null,
): Promise<PrefixResult> {
  const batchSize = Math.max(1, prefixOptions.batchSize ?? 200);
  const progress = { scanned: 0, matched: 0, affected: 0 };
  const accepts = keyFilter(prefix);
  for (const cache of await server.caches()) {
    if (!cacheMayMatch(cache, prefix)) continue;
    const head = Buffer.from(`${cache.name}:`);
    // One pass over the table (a dump always starts at slot 0), keeping only the matching keys.
    const matching: Buffer[] = [];
    const now = Date.now() / 1000;
    await server.readItemTable(server.address, cache.name, cache.keysize, 1, server.timeoutMs, (item) => {
      progress.scanned++;
      if (liveItem(item.expires, now) && accepts(Buffer.concat([head, item.key]))) matching.push(item.key);
    });
    for (let start = 0; start < matching.length || start === 0; start += batchSize) {
      if (prefixOptions.signal?.aborted) return { matched: progress.matched, affected: progress.affected, cancelled: true };
      const batch = matching.slice(start, start + batchSize);
      progress.matched += batch.length;
      if (act && batch.length) progress.affected += await act(cache, batch);
      prefixOptions.onProgress?.({ ...progress });
    }
  }
  prefixOptions.onProgress?.({ ...progress });
  return { matched: progress.matched, affected: progress.affected, cancelled: false };
}
