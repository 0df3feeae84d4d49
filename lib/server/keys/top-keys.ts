import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { probedPageCount, type ScanPace } from "../../connections/scan-pace";
import { walkCount } from "../../connections/server-load";
import type { Driver, KeyMeta, KeyType } from "../../drivers/types";
import { startJob } from "./jobs";
import { TopHeap } from "./top-heap";
import { keyRowOf } from "./key-page";
import type { KeyRow } from "../../wire/key-page";
import { keyText } from "../../wire/keys";

type TopBy = "size" | "ttl";

export interface TopKeysResult {
  by: TopBy;
  desc: boolean;
  /** The best `limit` keys of everything scanned so far, in order. */
  rows: KeyRow[];
  /** Server clock when the rows' TTLs were read, for countdowns. */
  readAt: number;
  limit: number;
}

/** Keys per describe call; a page's calls go out together, and the driver pipelines one describe per key. */
const DESCRIBE_BATCH = 500;
const PUBLISH_EVERY_MS = 400;

/**
 * Orders keys as the list's size and TTL columns do: by size, or by remaining TTL with "no expiry" as the
 * longest. Ties fall back to the key bytes so that the order is stable across runs.
 */
function rank(by: TopBy, meta: KeyMeta): number {
  if (by === "size") return meta.size ?? -1;
  return meta.ttlMs ?? Number.POSITIVE_INFINITY;
}

/**
 * Sorts a whole namespace (or filter) by size or TTL without holding it: one background pass scans it,
 * describes each page in one pipelined round trip (or takes the metadata the listing already carries),
 * and keeps the top `limit` in a bounded heap. It walks at the connection's scan pace (keys per SCAN call, the pause between calls). Partial results are published as the pass goes, the job
 * can be cancelled, and the winners are described once more at the end so their TTLs are current.
 */
export async function startTopKeys(options: {
  driver: Driver;
  connectionId: string;
  userId: string;
  pace: ScanPace;
  by: TopBy;
  desc: boolean;
  limit: number;
  prefix?: Buffer;
  match?: Buffer;
  type?: KeyType;
}): Promise<string> {
  const { driver, by, desc, limit } = options;
  const total = await driver.keyCount();
  const text = (meta: KeyMeta) => meta.key.toString("latin1");
  const before = (a: { value: number; meta: KeyMeta }, b: { value: number; meta: KeyMeta }) => {
    if (a.value !== b.value) return desc ? a.value > b.value : a.value < b.value;
    return text(a.meta) < text(b.meta);
  };
  const result = (metas: KeyMeta[]): TopKeysResult => ({ by, desc, limit, rows: metas.filter((m) => m.exists).map((meta) => keyRowOf(meta, null)), readAt: Date.now() });
  return startJob<TopKeysResult>({
    kind: "top",
    connectionId: options.connectionId,
    userId: options.userId,
    total,
    target: sortTarget(options),
    work: async (control) => {
      const heap = new TopHeap<{ value: number; meta: KeyMeta }>(limit, before);
      let cursor = "";
      let scanned = 0;
      let matched = 0;
      let published = Date.now();
      for (;;) {
        if (control.signal.aborted) break;
        // Every key read is described: paced, the pages stay small (lib/connections/scan-pace.ts), smaller still on a busy server.
        const { count, gentle } = await walkCount(driver, options.pace.pauseMs, probedPageCount(options.pace));
        const page = await driver.scan({
          cursor,
          prefix: options.prefix,
          match: options.match,
          type: options.type,
          count,
          signal: control.signal,
        });
        const batches: Promise<KeyMeta[]>[] = [];
        for (let at = 0; at < page.keys.length; at += DESCRIBE_BATCH) {
          batches.push(page.meta ? Promise.resolve(page.meta.slice(at, at + DESCRIBE_BATCH)) : driver.describe(page.keys.slice(at, at + DESCRIBE_BATCH)));
        }
        for (const metas of await Promise.all(batches)) {
          for (const meta of metas) {
            if (!meta.exists || (options.type && meta.type !== options.type)) continue;
            matched++;
            heap.offer({ value: rank(by, meta), meta });
          }
        }
        scanned += page.progress?.examined ?? page.keys.length;
        control.progress({ scanned, matched, gentle });
        if (Date.now() - published > PUBLISH_EVERY_MS) {
          control.publish(result(heap.sorted().map((entry) => entry.meta)));
          published = Date.now();
        }
        if (page.done) break;
        cursor = page.cursor;
        if (options.pace.pauseMs > 0) await sleep(options.pace.pauseMs, undefined, { signal: control.signal }).catch(() => undefined);
      }
      control.progress({ gentle: false });
      const winners = heap.sorted().map((entry) => entry.meta);
      if (control.signal.aborted || winners.length === 0) return result(winners);
      const fresh = await driver.describe(winners.map((meta) => meta.key));
      return result(fresh);
    },
  });
}

/** What a top-N sort ranks, for the Jobs tab: its filter as the key list shows it, and by what. */
function sortTarget(options: { by: TopBy; prefix?: Buffer; match?: Buffer; type?: KeyType }): string {
  const scope = options.match ? keyText(options.match).text : options.prefix && options.prefix.length > 0 ? `${keyText(options.prefix).text}*` : "all keys";
  return `${scope}${options.type ? `, type ${options.type}` : ""}, by ${options.by}`;
}
