import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import type { LoadedConnection } from "../../connections/load";
import { probedPageCount } from "../../connections/scan-pace";
import { isDriverError } from "../../drivers/errors";
import type { Driver, KeyInspection, KeyMeta, ScanPage } from "../../drivers/types";
import type { AnalysisFigures, AnalysisJobResult } from "../../wire/analysis";
import { runningJob, startJob } from "../keys/jobs";
import { describeRows } from "../keys/key-page";
import { Refusal } from "../refusal";
import { AnalysisCollector, type AnalysedKey } from "./collector";
import { saveReport } from "./reports";

/**
 * Keys per inspect call of a paced analysis. The calls go one after another, so the cache serves its other
 * clients between them instead of behind a page's worth of probes (a 50-key call holds Redis about half a
 * millisecond). Measured with redis-benchmark beside it, fewer calls of fifty keys spared the GET p99 better
 * than five times as many of ten: each call also wakes this process and the cache on a small machine. At full
 * speed a page goes out at once.
 */
const PACED_BATCH = 50;
const PUBLISH_EVERY_MS = 400;

/**
 * The analysis this process is starting or running per connection: taken before the first await, so two
 * starts at the same moment in one process cannot both pass. Across instances the job rows say (one
 * instance's start between another's check and its row is not excluded: two analyses then simply both run).
 */
const holder = globalThis as unknown as { cacheboardAnalyses?: Map<string, { jobId: string; userId: string }> };
const running = (holder.cacheboardAnalyses ??= new Map());

/** The analysis running on this connection in any instance (one at a time), so a second start is refused and the page can resume. */
export async function runningAnalysis(connectionId: string): Promise<{ jobId: string; userId: string } | null> {
  const slot = running.get(connectionId);
  if (slot && slot.jobId !== "") return slot;
  return runningJob(connectionId, "analysis");
}

/**
 * Probes one scan page: the metadata the listing carries (memcached metadump, uWSGI item table), or type,
 * TTL, length, exact memory use and encoding in one round trip (`Driver.inspect`; on Redis one script call
 * per fifty keys). Bytes are memory use where the server says (MEMORY USAGE, the metadump's item size), else
 * the value size.
 */
async function probe(driver: Driver, page: ScanPage, memory: Measure, paced: boolean): Promise<{ entry: AnalysedKey; meta: KeyMeta }[]> {
  let rows: (KeyMeta & Partial<Pick<KeyInspection, "memoryUsage" | "encoding">>)[];
  if (page.meta) rows = page.meta;
  else if (!driver.inspect) rows = await driver.describe(page.keys);
  else if (!paced) rows = await driver.inspect(page.keys);
  else {
    rows = [];
    for (let at = 0; at < page.keys.length; at += PACED_BATCH) rows.push(...(await driver.inspect(page.keys.slice(at, at + PACED_BATCH))));
  }
  const out: { entry: AnalysedKey; meta: KeyMeta }[] = [];
  for (const row of rows) {
    if (!row.exists) continue;
    const measured = row.memoryUsage ?? row.memory ?? null;
    if (measured === null) memory.valueKeys++;
    else memory.memoryKeys++;
    out.push({ meta: row, entry: { key: row.key, type: row.type, ttlMs: row.ttlMs, bytes: measured ?? row.size ?? 0, length: row.length, encoding: row.encoding ?? null } });
  }
  return out;
}

/** How many keys were measured by memory use or by value size. */
interface Measure {
  memoryKeys: number;
  valueKeys: number;
}

function measureOf(memory: Measure): AnalysisFigures["bytesMeasure"] {
  if (memory.valueKeys === 0) return "memory";
  return memory.memoryKeys === 0 ? "value" : "mixed";
}

/**
 * Reads the head of each sampled string (one round trip where the driver reads prefixes, as the key list
 * does) and records the detected format; metadata the listing carried is reused as it is.
 */
async function sampleFormats(driver: Driver, collector: AnalysisCollector, sample: { id: string; meta: KeyMeta }[], listed: boolean): Promise<void> {
  const rows = await describeRows(
    driver,
    sample.map((s) => s.meta.key),
    listed ? sample.map((s) => s.meta) : undefined,
  );
  rows.forEach((row, i) => {
    if (row.exists && row.type === "string") collector.addFormat(sample[i].id, row.format);
  });
}

/** Used and maximum memory, and slab or cache usage, as the server reports them; left out when the statistics cannot be read. */
async function serverMemory(driver: Driver): Promise<AnalysisFigures["server"]> {
  try {
    const { memory, usage } = await driver.stats();
    return { usedBytes: memory.used, maxBytes: memory.max, ...(usage ? { usage } : {}) };
  } catch (error) {
    if (!isDriverError(error)) throw error;
    return undefined;
  }
}

/**
 * The pause after a page of a paced analysis: the connection's pause, and at least DUTY_PAUSE_FACTOR times what
 * the page took, so the analysis works about one fortieth of the time. What a cache's GET p99 notices is the
 * share of time the cache spends on someone else's commands, not how that time is cut up: measured beside
 * redis-benchmark (4 clients, `npm run bench -- analysis`), a quarter of the time moved the p99 by 2×, a tenth
 * by 1.35×, a twentieth by 1.24×, a fortieth by under 1.1×. The price is time: a paced analysis takes about
 * forty times as long as one at full speed (a connection whose scan pause is 0 runs at full speed).
 */
function pausedFor(pauseMs: number, busyMs: number): number {
  return pauseMs > 0 ? Math.max(pauseMs, Math.round(busyMs * DUTY_PAUSE_FACTOR)) : 0;
}

const DUTY_PAUSE_FACTOR = 40;

/**
 * Starts an analysis of the whole keyspace as a job: one pass with the driver's scan at the connection's
 * scan pace (SCAN COUNT and the pause between calls, lib/connections/scan-pace.ts), each page probed
 * in one round trip and folded into bounded figures, and the formats of a sample of string values per
 * first-level namespace detected as the key list does. When it ends — done or cancelled — the figures are
 * stored as a report and the job's result names it.
 */
export async function startAnalysis(options: {
  connection: LoadedConnection;
  user: { id: string; email: string };
}): Promise<string> {
  const { connection, user } = options;
  const connectionId = connection.profile.id;
  if (running.has(connectionId)) throw new Refusal("CONFLICT", "An analysis of this connection is already running.");
  const slot = { jobId: "", userId: user.id };
  running.set(connectionId, slot);
  const driver = connection.driver();
  const pace = connection.scanPace;
  // Every key read is probed: paced, the pages stay small (lib/connections/scan-pace.ts).
  const count = probedPageCount(pace);
  const startedAt = new Date();
  try {
    if (await runningJob(connectionId, "analysis")) throw new Refusal("CONFLICT", "An analysis of this connection is already running.");
    const total = await driver.keyCount();
    slot.jobId = await startJob<AnalysisJobResult>({
      kind: "analysis",
      connectionId,
      userId: user.id,
      total,
      work: async (control) => {
        const { signal } = control;
        const collector = new AnalysisCollector(connection.profile.keyDelimiter);
        const memory: Measure = { memoryKeys: 0, valueKeys: 0 };
        let scanned = 0;
        let complete = false;
        let cursor = "";
        let ahead: Promise<ScanPage> | null = null;
        let published = 0;
        try {
          while (!signal.aborted) {
            const pageStarted = performance.now();
            const page = await (ahead ?? driver.scan({ cursor, count, signal }));
            ahead = null;
            cursor = page.cursor;
            // Without a pause the next SCAN is on the wire while this page is probed.
            if (!page.done && pace.pauseMs === 0) ahead = driver.scan({ cursor, count, signal });
            const sample: { id: string; meta: KeyMeta }[] = [];
            for (const { entry, meta } of await probe(driver, page, memory, pace.pauseMs > 0)) {
              collector.add(entry);
              const id = collector.sampleFormat(entry);
              if (id !== null) sample.push({ id, meta });
            }
            if (sample.length > 0) await sampleFormats(driver, collector, sample, page.meta !== undefined);
            scanned += page.progress?.examined ?? page.keys.length;
            control.progress({ scanned, matched: collector.keys });
            if (Date.now() - published > PUBLISH_EVERY_MS) {
              control.publish({ reportId: null, scanned, bytes: collector.bytes });
              published = Date.now();
            }
            if (page.done) {
              complete = true;
              break;
            }
            if (!ahead) await sleep(pausedFor(pace.pauseMs, performance.now() - pageStarted), undefined, { signal }).catch(() => undefined);
          }
        } catch (error) {
          if (!signal.aborted) throw error;
        } finally {
          (ahead as Promise<ScanPage> | null)?.catch(() => undefined);
        }
        const figures = collector.figures({ scanned, complete, bytesMeasure: measureOf(memory) });
        figures.server = await serverMemory(driver);
        const reportId = await saveReport({ connection: connection.profile, user, startedAt, figures });
        return { reportId, scanned, bytes: collector.bytes };
      },
      finish: async () => {
        if (running.get(connectionId) === slot) running.delete(connectionId);
      },
    });
  } catch (error) {
    running.delete(connectionId);
    throw error;
  }
  return slot.jobId;
}
