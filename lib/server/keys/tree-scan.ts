import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import type { Driver, KeyMeta, ScanPage } from "../../drivers/types";
import type { KeyEntry, NamespaceTree } from "../../keyspace";
import type { ScanPace } from "../../connections/scan-pace";
import { walkCount } from "../../connections/server-load";

/**
 * Sampled keys are described this many at a time: at millions of keys a page holds only a few sampled keys,
 * and a describe call per page would double the round trips of the walk for almost no keys.
 */
const DESCRIBE_BATCH = 100;

/**
 * Walks the whole keyspace (or the keys under `prefix`) once at the connection's pace (`count` keys per call,
 * `pauseMs` between calls; see lib/connections/scan-pace.ts), folding each page into `tree`. Only one key in
 * `sampleEvery` is described (TYPE/PTTL/size), DESCRIBE_BATCH sampled keys per call, in a round trip that
 * overlaps the next SCAN, so sizes and TTL shares are estimates from a sample; backends that list metadata
 * for free (memcached) give it for every key. A paced walk over a server that reports its CPU time asks for a
 * quarter of the keys per call while that server is busy (lib/connections/server-load.ts); `onPage` says when it does.
 */
export async function scanInto(
  driver: Driver,
  tree: NamespaceTree,
  options: Pick<ScanPace, "count" | "pauseMs" | "sampleEvery"> & { signal: AbortSignal; onPage: (scanned: number, gentle: boolean) => void; prefix?: Buffer },
): Promise<{ scanned: number; complete: boolean }> {
  const { signal, sampleEvery, count, prefix } = options;
  let scanned = 0;
  let ahead: Promise<ScanPage> | null = null;
  let gentle = false;
  // Sampled keys wait here until a batch is full; its describe is folded in when it answers, while the walk goes on; at most one is in flight.
  let sample: Buffer[] = [];
  let describing: Promise<void> | null = null;
  const describe = async (all: boolean) => {
    if (sample.length === 0 || (!all && sample.length < DESCRIBE_BATCH)) return;
    if (describing) await describing;
    const keys = sample;
    sample = [];
    describing = driver.describe(keys).then((metas) => tree.add(metas.map(entryOf)));
    // Marked handled now: a failure waits for the walk to await it (pages later), not the process's unhandled-rejection hook.
    describing.catch(() => undefined);
  };
  const settle = async (complete: boolean) => {
    // A cancelled walk leaves its waiting sample undescribed: those keys are counted, only without size and TTL.
    if (complete) await describe(true);
    else if (sample.length > 0) tree.add(sample.splice(0));
    if (describing) await describing;
    describing = null;
  };
  try {
    let cursor = "";
    for (;;) {
      let asked = count;
      if (!ahead) ({ count: asked, gentle } = await walkCount(driver, options.pauseMs, count));
      const page = await (ahead ?? driver.scan({ cursor, count: asked, signal, prefix }));
      ahead = null;
      cursor = page.cursor;
      // Without a pause the next SCAN goes out now and overlaps the folding of this page.
      if (!page.done && !signal.aborted && options.pauseMs === 0) {
        ahead = driver.scan({ cursor, count, signal, prefix });
        ahead.catch(() => undefined); // awaited at the top of the loop; a lost connection may reject it before then
        // The driver sends the request from a promise continuation: let it reach the wire before the fold.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (page.meta) tree.add(page.meta.map(entryOf));
      else {
        const rest: Buffer[] = [];
        page.keys.forEach((key, i) => ((scanned + i) % sampleEvery === 0 ? sample : rest).push(key));
        tree.add(rest);
        await describe(false);
      }
      scanned += page.keys.length;
      options.onPage(scanned, gentle);
      if (page.done || signal.aborted) {
        await settle(page.done);
        return { scanned, complete: page.done };
      }
      if (!ahead) {
        await sleep(options.pauseMs, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) {
          await settle(false);
          return { scanned, complete: false };
        }
      }
    }
  } finally {
    // A SCAN sent ahead of an abort or a failed describe, or a describe left behind by a failed SCAN: nobody reads their answers.
    (ahead as Promise<ScanPage> | null)?.catch(() => undefined);
    (describing as Promise<void> | null)?.catch(() => undefined);
  }
}

function entryOf(meta: KeyMeta): KeyEntry | Buffer {
  return meta.exists ? { key: meta.key, size: meta.size ?? undefined, ttl: meta.ttlMs === null ? null : meta.ttlMs / 1000 } : meta.key;
}
