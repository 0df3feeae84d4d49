import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import type { Driver, PrefixOptions, PrefixResult } from "../../drivers/types";
import { walkCount } from "../../connections/server-load";

/** Keys per batch: one `describe` or `expireKeys` round trip. */
const BATCH = 500;

type Act = (keys: Buffer[]) => Promise<number>;

/**
 * Every key under `prefix` through the driver's own listing (`scan` with an exact prefix), acting on each
 * page. Used where the action needs per-key checks the driver's `*Prefix` walks do not make (count or expire
 * only keys without an expiry). Redis' SCAN may return a key twice; acting on it twice is harmless here (the
 * second "only without TTL" finds the TTL the first one set), a count may then be one or two high.
 */
export async function walkPrefixKeys(driver: Driver, prefix: Buffer, options: PrefixOptions, act: Act): Promise<PrefixResult> {
  const progress = { scanned: 0, matched: 0, affected: 0, gentle: false };
  let cursor = "";
  for (;;) {
    if (options.signal?.aborted) return { matched: progress.matched, affected: progress.affected, cancelled: true };
    const { count, gentle } = await walkCount(driver, options.pauseMs ?? 0, options.batchSize ?? BATCH);
    progress.gentle = gentle;
    const page = await driver.scan({ cursor, prefix, count, signal: options.signal });
    progress.scanned += page.keys.length;
    progress.matched += page.keys.length;
    if (page.keys.length > 0) progress.affected += await act(page.keys);
    options.onProgress?.({ ...progress });
    if (page.done) break;
    cursor = page.cursor;
    if (options.pauseMs) await sleep(options.pauseMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return { matched: progress.matched, affected: progress.affected, cancelled: false };
}

/** The given keys in batches, acting on each, with progress and cancel between batches. */
export async function walkKeyList(keys: Buffer[], options: PrefixOptions, act: Act): Promise<PrefixResult> {
  const progress = { scanned: 0, matched: 0, affected: 0 };
  const size = options.batchSize ?? BATCH;
  for (let start = 0; start < keys.length; start += size) {
    if (options.signal?.aborted) return { matched: progress.matched, affected: progress.affected, cancelled: true };
    const batch = keys.slice(start, start + size);
    progress.scanned += batch.length;
    progress.matched += batch.length;
    progress.affected += await act(batch);
    options.onProgress?.({ ...progress });
  }
  return { matched: progress.matched, affected: progress.affected, cancelled: false };
}

/** How many of the keys exist and have no expiry: the preview of "set a TTL on keys without one". */
export function countWithoutTtl(driver: Driver): Act {
  return async (keys) => (await driver.describe(keys)).filter((meta) => meta.exists && meta.ttlMs === null).length;
}
