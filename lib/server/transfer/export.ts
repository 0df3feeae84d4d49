import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import type { LoadedConnection } from "../../connections/load";
import type { ScanPace } from "../../connections/scan-pace";
import { walkCount } from "../../connections/server-load";
import { isDriverError } from "../../drivers/errors";
import type { Driver, KeyHead, KeyMeta } from "../../drivers/types";
import type { JobProgress } from "../../wire/jobs";
import { plural } from "../../plural";
import { keyText } from "../../wire/keys";
import { TRANSFER_FORMAT, TRANSFER_VERSION, type ExportEnd, type ExportHeader } from "../../wire/transfer";
import { openJob } from "../keys/jobs";
import { b64, valuePieces } from "./key-value";

/**
 * The export: JSON Lines written as the keyspace is scanned (see `lib/wire/transfer.ts` for the format).
 * Keys come a SCAN page at a time; small keys of a page are read together (pipelined), each key above
 * `SMALL_BYTES` on its own, its value streamed a page at a time, so memory holds one page of small keys or
 * one page of one big key's value, plus a Redis DUMP payload of that key. The stream is pulled: nothing is
 * read from the cache faster than the browser takes it, and a cancelled download stops the scan. The scan
 * goes at the connection's pace: its pause between calls, and its keys per call up to SCAN_COUNT (the page
 * is also the unit of memory, so a profile asking for more still gets pages of SCAN_COUNT). While it streams
 * it is also a job row (see `openExport`), so every instance sees it and can cancel it.
 */

export type ExportSelection =
  | { kind: "database" }
  | { kind: "namespace"; prefix: Buffer }
  | { kind: "glob"; match: Buffer; prefix?: Buffer }
  | { kind: "keys"; keys: Buffer[] };

/** Most keys per SCAN call and per batch of described keys. */
const SCAN_COUNT = 500;
/** Keys up to this size are read together with the rest of their page. */
const SMALL_BYTES = 256 * 1024;
/** At most this many bytes of small keys are read at once. */
const GROUP_BYTES = 8 * 1024 * 1024;
const DUMP_PIECE = 3 * 1024 * 1024;
/** Strings up to this size are read whole by the page's description. */
const HEAD_BYTES = 16 * 1024;

const TYPES = new Set(["string", "hash", "list", "set", "zset", "stream"]);

function scopeText(selection: ExportSelection): string {
  switch (selection.kind) {
    case "database":
      return "the whole database";
    case "namespace":
      return keyText(selection.prefix).text;
    case "glob":
      return `${selection.prefix ? keyText(selection.prefix).text : ""}${keyText(selection.match).text}`;
    case "keys":
      return `${selection.keys.length} selected keys`;
  }
}

/** Whether key lines carry DUMP payloads: Redis, whose DUMP restores any type exactly. */
function carriesDump(driver: Driver): boolean {
  return driver.capabilities.dumpRestore && driver.capabilities.types && driver.dump !== undefined;
}

/** The selection's keys in batches; `paced` hears whether each SCAN asked for fewer keys, the server being busy. */
async function* keyBatches(driver: Driver, selection: ExportSelection, pace: ScanPace, signal: AbortSignal, paced: (gentle: boolean) => void): AsyncGenerator<Buffer[]> {
  if (selection.kind === "keys") {
    for (let i = 0; i < selection.keys.length; i += SCAN_COUNT) yield selection.keys.slice(i, i + SCAN_COUNT);
    return;
  }
  const request =
    selection.kind === "namespace" ? { prefix: selection.prefix } : selection.kind === "glob" ? { match: selection.match, prefix: selection.prefix } : {};
  let cursor = "";
  for (;;) {
    if (signal.aborted) return;
    const { count, gentle } = await walkCount(driver, pace.pauseMs, Math.min(SCAN_COUNT, pace.count));
    paced(gentle);
    const page = await driver.scan({ ...request, cursor, count, signal });
    if (page.keys.length) yield page.keys;
    if (page.done) return;
    cursor = page.cursor;
    if (pace.pauseMs > 0) await sleep(pace.pauseMs, undefined, { signal }).catch(() => undefined);
  }
}

/** One key's line, in pieces; nothing when the key is gone or of a type the format does not carry. */
async function* keyLine(driver: Driver, meta: KeyMeta | KeyHead, withDump: boolean): AsyncGenerator<string> {
  if (!meta.exists || !TYPES.has(meta.type)) return;
  const dumped = withDump && driver.dump ? await driver.dump(meta.key) : null;
  if (withDump && !dumped) return;
  const ttlMs = dumped ? dumped.ttlMs : meta.ttlMs;
  const text = keyText(meta.key);
  let flags = meta.flags;
  const head = {
    key: b64(meta.key),
    ...(text.binary || text.hidden ? {} : { keyText: text.text }),
    type: meta.type,
    ttlMs,
    expiresAt: ttlMs === null ? null : Date.now() + ttlMs,
  };
  const json = JSON.stringify(head);
  yield `${json.slice(0, -1)},"value":`;
  yield* valuePieces(driver, meta, (f) => (flags = f));
  if (flags !== undefined) yield `,"flags":${flags}`;
  if (dumped) {
    yield `,"dump":"`;
    for (let i = 0; i < dumped.payload.length; i += DUMP_PIECE) yield b64(dumped.payload.subarray(i, i + DUMP_PIECE));
    yield `"`;
  }
  yield "}\n";
}

async function collect(pieces: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const piece of pieces) out += piece;
  return out;
}

/** A key that vanished or changed type between the scan and its read is left out, not an error. */
function vanished(error: unknown): boolean {
  return isDriverError(error) && (error.code === "NOT_FOUND" || error.code === "WRONG_TYPE");
}

async function headerOf(connection: LoadedConnection, selection: ExportSelection, withDump: boolean): Promise<ExportHeader> {
  const driver = connection.driver();
  const [ping, total] = await Promise.all([driver.ping(), selection.kind === "database" ? driver.keyCount() : Promise.resolve(null)]);
  const header: ExportHeader = {
    format: TRANSFER_FORMAT,
    version: TRANSFER_VERSION,
    exportedAt: new Date().toISOString(),
    source: { kind: driver.kind, name: connection.profile.name, version: ping.version },
    scope: { kind: selection.kind, text: scopeText(selection) },
    dump: withDump,
    total: selection.kind === "keys" ? selection.keys.length : total,
  };
  return header;
}

/** What the job sees of the export: its cancel, and where the counts go. */
interface ExportRun {
  signal: AbortSignal;
  progress(update: Partial<JobProgress>): void;
}

/** How the lines ended, for the job's row: keys written, and the error that stopped them. */
interface ExportTally {
  keys: number;
  error?: unknown;
}

const CANCELLED_MESSAGE = "The export was cancelled before it was complete; this file is missing the keys after its last line.";

async function* lines(driver: Driver, header: ExportHeader, selection: ExportSelection, pace: ScanPace, run: ExportRun, tally: ExportTally): AsyncGenerator<string> {
  const withDump = header.dump;
  const { signal } = run;
  const cancelled = () => `${JSON.stringify({ format: TRANSFER_FORMAT, error: { code: "CANCELLED", message: CANCELLED_MESSAGE }, keys: tally.keys } satisfies ExportEnd)}\n`;
  const wrote = () => {
    tally.keys++;
    run.progress({ affected: tally.keys });
  };
  yield `${JSON.stringify(header)}\n`;
  let listed = 0;
  try {
    scan: for await (const batch of keyBatches(driver, selection, pace, signal, (gentle) => run.progress({ gentle }))) {
      listed += batch.length;
      run.progress({ scanned: listed, matched: listed });
      // Small strings come whole with their description, in the same round trip.
      const metas: (KeyMeta | KeyHead)[] = driver.describeHeads ? await driver.describeHeads(batch, HEAD_BYTES) : await driver.describe(batch);
      let group: (KeyMeta | KeyHead)[] = [];
      let groupBytes = 0;
      const flush = async function* () {
        const texts = await Promise.all(group.map((meta) => collect(keyLine(driver, meta, withDump)).catch((error: unknown) => (vanished(error) ? "" : Promise.reject(error)))));
        group = [];
        groupBytes = 0;
        for (const text of texts) {
          if (!text) continue;
          wrote();
          yield text;
        }
      };
      for (const meta of metas) {
        if (signal.aborted) break scan;
        const size = meta.size ?? 0;
        if (size <= SMALL_BYTES) {
          group.push(meta);
          groupBytes += size;
          if (groupBytes >= GROUP_BYTES) yield* flush();
          continue;
        }
        yield* flush();
        let started = false;
        try {
          for await (const piece of keyLine(driver, meta, withDump)) {
            started = true;
            yield piece;
          }
          if (started) wrote();
        } catch (error) {
          if (started || !vanished(error)) throw error;
        }
      }
      yield* flush();
    }
    // A cancel (through the job, from any instance) ends the file with a line that says so, never with `end`.
    yield signal.aborted ? cancelled() : `${JSON.stringify({ format: TRANSFER_FORMAT, end: true, keys: tally.keys } satisfies ExportEnd)}\n`;
  } catch (error) {
    // A key line cut short stays unterminated; the last line starts a line of its own.
    if (signal.aborted) {
      yield `\n${cancelled()}`;
      return;
    }
    tally.error = error;
    const failure: ExportEnd["error"] = isDriverError(error) ? { code: error.code, message: error.message } : { code: "INTERNAL", message: "Unexpected server error; the server log has the details." };
    yield `\n${JSON.stringify({ format: TRANSFER_FORMAT, error: failure, keys: tally.keys } satisfies ExportEnd)}\n`;
  }
}

/**
 * The export as a byte stream, pulled by the response, and the id of its job. The server is asked for its
 * version (and key count) first, so an unreachable one is a refusal, not a broken file, and leaves no job.
 * The job's row (kind "export", owned by `userId`) carries the keys written so far and a heartbeat while
 * the stream is open; a cancel through the job, from any instance, stops the scan and ends the file with a
 * CANCELLED line; a cancelled download (the browser aborted) stops the scan and marks the job cancelled;
 * the end marks it done with the count, or error.
 */
export async function openExport(
  connection: LoadedConnection,
  selection: ExportSelection,
  dump: boolean,
  userId: string,
): Promise<{ jobId: string; stream: ReadableStream<Uint8Array> }> {
  const driver = connection.driver();
  const header = await headerOf(connection, selection, dump && carriesDump(driver));
  const job = await openJob<{ keys: number }>({ kind: "export", connectionId: connection.scope, userId, total: header.total, target: exportTarget(selection) });
  const tally: ExportTally = { keys: 0 };
  const source = lines(driver, header, selection, connection.scanPace, job.control, tally);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(stream) {
      try {
        const next = await source.next();
        if (!next.done) {
          stream.enqueue(encoder.encode(next.value));
          return;
        }
        // The row first: whoever has read the whole file finds the job ended.
        await job.end({ result: { keys: tally.keys }, error: tally.error });
        stream.close();
      } catch (error) {
        await job.end({ result: { keys: tally.keys }, error });
        stream.error(error);
      }
    },
    async cancel() {
      job.abort();
      await source.return(undefined);
      await job.end({ result: { keys: tally.keys } });
    },
  });
  return { jobId: job.id, stream };
}

/** What an export covers, for the Jobs tab; null for the whole database. */
function exportTarget(selection: ExportSelection): string | null {
  switch (selection.kind) {
    case "database":
      return null;
    case "namespace":
      return `${keyText(selection.prefix).text}*`;
    case "glob":
      return keyText(selection.match).text;
    case "keys":
      return plural(selection.keys.length, "selected key");
  }
}
