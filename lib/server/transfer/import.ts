import "server-only";
import { DriverError, isDriverError } from "../../drivers/errors";
import type { Driver, KeyMeta } from "../../drivers/types";
import { keyText } from "../../wire/keys";
import { emptyCounts, type ImportCounts, type ImportJobResult, type ImportPolicy, type ImportTtl } from "../../wire/transfer";
import { canonicalValue, readValue } from "./key-value";
import { parseLine, ttlFor, writeRecord, type KeyRecord } from "./import-lines";
import { readLines } from "./upload";

/**
 * The preview and the import of an uploaded file: lines are read one at a time and handled in batches (the
 * batch's keys described in one round trip, compared and written together), so memory holds one batch and
 * never the file. Each key is new (absent), existing (present with the same value), conflicting (present
 * with another value or type), too big for the target, or invalid.
 */

export interface ImportRun {
  driver: Driver;
  file: string;
  /** Whether the file's DUMP payloads are restored (a Redis target of a file with them). */
  useDump: boolean;
  policy: ImportPolicy;
  ttl: ImportTtl;
  rewrite: { from: Buffer; to: Buffer } | null;
  signal: AbortSignal;
  /** Counts so far, after each batch. */
  onProgress: (counts: ImportCounts, linesRead: number) => void;
  /** A key that was written and did not exist before. */
  onCreated?: (key: Buffer) => void;
}

const BATCH_KEYS = 200;
const BATCH_BYTES = 8 * 1024 * 1024;

/** The longest line read (`CACHEBOARD_IMPORT_MAX_LINE_BYTES`, default 64 MiB): a longer one is counted as too big. */
function maxLineBytes(): number {
  const configured = Number(process.env.CACHEBOARD_IMPORT_MAX_LINE_BYTES);
  return Number.isFinite(configured) && configured > 0 ? configured : 64 * 1024 * 1024;
}

type Verdict = "new" | "existing" | "conflicting" | "tooBig" | "invalid";

function tooBig(driver: Driver, record: KeyRecord): boolean {
  const { maxKeyBytes, maxValueBytes } = driver.capabilities;
  if (maxKeyBytes !== null && record.key.length > maxKeyBytes) return true;
  return maxValueBytes !== null && record.type === "string" && record.size > maxValueBytes;
}

async function verdictOf(driver: Driver, record: KeyRecord, meta: KeyMeta | undefined, ttl: ImportTtl, now: number): Promise<Verdict> {
  if (record.type !== "string" && !driver.capabilities.types) return "invalid";
  if (ttlFor(record, ttl, now) === "expired") return "invalid";
  if (tooBig(driver, record)) return "tooBig";
  if (!meta?.exists) return "new";
  if (meta.type !== record.type) return "conflicting";
  try {
    const stored = await readValue(driver, meta);
    if (record.flags !== undefined && stored.flags !== undefined && record.flags !== stored.flags) return "conflicting";
    return canonicalValue(record.type, stored.value) === canonicalValue(record.type, record.value) ? "existing" : "conflicting";
  } catch (error) {
    // Gone since it was described: new after all.
    if (isDriverError(error) && error.code === "NOT_FOUND") return "new";
    throw error;
  }
}

/**
 * Runs over the whole file. `write` false: the dry run (counts only). With writing, the policy decides what
 * happens to conflicting keys: skipped, overwritten, or ("fail") the import stops with CONFLICT at the first.
 */
export async function runImport(run: ImportRun, write: boolean): Promise<ImportJobResult> {
  const { driver } = run;
  const counts = emptyCounts();
  let linesRead = 0;
  let batch: KeyRecord[] = [];
  let batchBytes = 0;

  const handle = async () => {
    const records = batch;
    batch = [];
    batchBytes = 0;
    if (records.length === 0) return;
    const now = Date.now();
    const metas = await driver.describe(records.map((r) => r.key));
    const verdicts = await Promise.all(records.map((record, i) => verdictOf(driver, record, metas[i], run.ttl, now)));
    if (write && run.policy === "fail") {
      const at = verdicts.indexOf("conflicting");
      if (at >= 0) throw new DriverError("CONFLICT", `${keyText(records[at].key).text} exists with another value; the import stopped there.`);
    }
    await Promise.all(
      records.map(async (record, i) => {
        let verdict = verdicts[i];
        if (!write || verdict === "invalid" || verdict === "tooBig" || verdict === "existing" || (verdict === "conflicting" && run.policy !== "overwrite")) {
          counts[verdict]++;
          if (write && (verdict === "existing" || verdict === "conflicting")) counts.skipped++;
          return;
        }
        const ttlMs = ttlFor(record, run.ttl, now);
        try {
          await writeRecord(driver, record, ttlMs === "expired" ? null : ttlMs, verdict === "conflicting", run.useDump);
          counts.written++;
          if (verdict === "new") run.onCreated?.(record.key);
        } catch (error) {
          if (!isDriverError(error)) throw error;
          // Created by someone else since it was described.
          if (error.code === "ALREADY_EXISTS") {
            if (run.policy === "fail") throw new DriverError("CONFLICT", `${keyText(record.key).text} was created meanwhile; the import stopped there.`);
            verdict = "conflicting";
            counts.skipped++;
          } else if (error.code === "TOO_LARGE") verdict = "tooBig";
          else throw error;
        }
        counts[verdict]++;
      }),
    );
  };

  for await (const { line, length } of readLines(run.file, maxLineBytes())) {
    if (run.signal.aborted) break;
    linesRead++;
    if (line === null) {
      counts.total++;
      counts.tooBig++;
      continue;
    }
    const record = parseLine(line, run.rewrite);
    if (record === "end") continue;
    counts.total++;
    if (record === null) {
      counts.invalid++;
      continue;
    }
    batch.push(record);
    batchBytes += length;
    if (batch.length >= BATCH_KEYS || batchBytes >= BATCH_BYTES) {
      await handle();
      run.onProgress(counts, linesRead);
    }
  }
  if (!run.signal.aborted) await handle();
  run.onProgress(counts, linesRead);
  return { counts };
}
