import "server-only";
import { analysisLabel, analyze, budgetForSize, renderText, TOO_LARGE_LABEL, tryUtf8, type Budget } from "../codecs";
import type { AuditEntry } from "../db";
import { formatCount, formatDuration } from "../format";
import { kindNamed } from "../kinds";
import { plural } from "../plural";
import { keyText, keyToParam } from "../wire/keys";
import type { ImportCounts } from "../wire/transfer";
import { readDump } from "./rdb-dump";
import type { KeySnapshotMeta } from "./snapshot";
import { undoability } from "./undo";

/** One side of a change as the audit page shows it: decoded like the key browser decodes values. */
export interface SnapshotView {
  exists: boolean;
  type: string | null;
  ttlMs: number | null;
  size: number | null;
  truncated: boolean;
  digest: string | null;
  /** Codec label of a string value, such as `pickle protocol 5` or `JSON (compact)`. */
  format: string | null;
  /** The value as lines: a string's decoded text, or one line per field / item / member. */
  lines: string[];
  note: string | null;
}

export interface DiffLine {
  kind: "same" | "added" | "removed";
  text: string;
}

export interface AuditEntryView {
  id: number;
  at: string;
  actorEmail: string;
  connectionId: string | null;
  connectionName: string | null;
  action: string;
  key: { text: string; binary: boolean; hidden: boolean; param: string } | null;
  detail: string | null;
  /** The detail in words, for actions whose detail is worth reading as a sentence (an import's counts). */
  summary: string | null;
  outcome: string;
  /** pending | running | done (see the schema); not done means the outcome was never written. */
  status: string;
  /** How the status reads to a person, or null once done. */
  statusNote: string | null;
  /** As stored: any string, since entries outlive versions of the code list (it is shown, never branched on). */
  errorCode: string | null;
  errorMessage: string | null;
  clientAddress: string | null;
  undoOfId: number | null;
  before: SnapshotView | null;
  after: SnapshotView | null;
  diff: DiffLine[] | null;
  undo: { possible: boolean; reason: string | null };
}

const STATUS_NOTES: Record<string, string> = {
  pending:
    "Written before the change; its outcome was never recorded (the server stopped or the database failed meanwhile). The change may or may not have been made.",
  running: "Still running, or stopped without finishing (the server stopped); the count is how far it had got.",
};

const MAX_LINES = 400;
const MAX_TEXT = 20_000;

/**
 * Decoded within the snapshot's budget: a page shows fifty entries, and a few hundred bytes that expand to
 * gigabytes must cost it no more than an honest value of that size.
 */
function show(bytes: Uint8Array, budget: Budget, flags?: number): { text: string; format: string } {
  const analysis = analyze(bytes, flags === undefined ? {} : { memcachedFlags: flags }, budget);
  return { text: analysis.tooLarge ? `(${TOO_LARGE_LABEL})` : renderText(analysis.value, MAX_TEXT), format: analysisLabel(analysis) };
}

/**
 * One field, item or member. Once the snapshot's budget is spent the rest are not decoded: plain text is
 * shown as it is (field names stay readable), anything else as too large to inspect.
 */
function short(bytes: Uint8Array, budget: Budget): string {
  if (budget.exhausted) {
    const text = tryUtf8(bytes);
    return text !== undefined && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text) ? text.replace(/\n/g, "⏎").slice(0, 2000) : `(${TOO_LARGE_LABEL})`;
  }
  return show(bytes, budget).text.replace(/\n/g, "⏎").slice(0, 2000);
}

function snapshotView(valueBytes: Uint8Array | null, digest: string | null, metaText: string | null): SnapshotView | null {
  if (!metaText) return null;
  const meta = JSON.parse(metaText) as Partial<KeySnapshotMeta>;
  if (typeof meta.exists !== "boolean") return null;
  const view: SnapshotView = {
    exists: meta.exists,
    type: meta.type ?? null,
    ttlMs: meta.ttlMs ?? null,
    size: meta.size ?? null,
    truncated: meta.truncated === true,
    digest,
    format: null,
    lines: [],
    note: null,
  };
  if (!meta.exists) return view;
  if (!valueBytes) {
    view.note = meta.truncated ? "Larger than the snapshot size cap: only its digest was kept." : "No value was kept.";
    return view;
  }
  const value = Buffer.from(valueBytes);
  // One budget for the whole snapshot, so a hash of a thousand bombs costs no more than one.
  const budget = budgetForSize(value.length);
  const one = (bytes: Uint8Array) => short(bytes, budget);
  if (meta.encoding !== "dump") {
    const shown = show(value, budget, meta.flags);
    return { ...view, format: shown.format, lines: shown.text.split("\n") };
  }
  // meta.driver comes from stored JSON: an unknown kind's payload is read as a Redis DUMP, as before.
  if (meta.driver !== undefined && kindNamed(meta.driver)?.dumpFlagsPrefix === true && value.length >= 4) {
    const shown = show(value.subarray(4), budget, value.readUInt32BE(0));
    return { ...view, format: shown.format, lines: shown.text.split("\n") };
  }
  const dumped = readDump(value);
  if (!dumped) return { ...view, note: `A ${meta.type ?? "Redis"} value (${value.length} bytes as a DUMP payload); undo restores it, its contents are not shown here.` };
  switch (dumped.type) {
    case "string": {
      const shown = show(dumped.value, budget);
      return { ...view, format: shown.format, lines: shown.text.split("\n") };
    }
    case "hash":
      return { ...view, lines: dumped.entries.map((e) => `${one(e.field)}: ${one(e.value)}`).sort() };
    case "list":
      return { ...view, lines: dumped.items.map((item, i) => `[${i}] ${one(item)}`) };
    case "set":
      return { ...view, lines: dumped.members.map(one).sort() };
    case "zset":
      return { ...view, lines: dumped.members.map((m) => `${one(m.member)} (score ${m.score})`) };
  }
}

/** Line diff by longest common subsequence; beyond MAX_LINES a side is cut, which the view says. */
export function diffLines(before: string[], after: string[]): DiffLine[] {
  const a = before.slice(0, MAX_LINES);
  const b = after.slice(0, MAX_LINES);
  const table = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", text: a[i] });
      i++;
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) out.push({ kind: "removed", text: a[i++] });
    else out.push({ kind: "added", text: b[j++] });
  }
  while (i < a.length) out.push({ kind: "removed", text: a[i++] });
  while (j < b.length) out.push({ kind: "added", text: b[j++] });
  return out;
}

interface ImportDetail {
  file?: { keys?: number; source?: string | null; scope?: string | null };
  policy?: string;
  ttl?: { mode: string; ttlMs?: number };
  rewrite?: { from: string; to: string };
  counts?: ImportCounts | null;
  cancelled?: boolean;
}

const POLICY_WORDS: Record<string, string> = { skip: "existing keys skipped", overwrite: "existing keys overwritten", fail: "stop on a conflict" };
const TTL_WORDS: Record<string, string> = { keep: "TTLs as exported", absolute: "expiry moments kept", none: "no TTLs" };

/** An import's one entry as a sentence: what came from where, and what happened to every key. */
function importSummary(detail: ImportDetail): string {
  const from = detail.file?.source ? ` from ${detail.file.source}${detail.file.scope ? ` (${detail.file.scope})` : ""}` : "";
  const counts = detail.counts;
  const parts = counts
    ? [
        `${formatCount(counts.written)} written`,
        `${formatCount(counts.new)} new`,
        `${formatCount(counts.conflicting)} conflicting`,
        `${formatCount(counts.existing)} identical`,
        `${formatCount(counts.skipped)} skipped`,
        ...(counts.tooBig ? [`${formatCount(counts.tooBig)} too big`] : []),
        ...(counts.invalid ? [`${formatCount(counts.invalid)} invalid or expired`] : []),
      ]
    : ["nothing counted yet"];
  const ttl = detail.ttl?.mode === "set" ? `TTL ${formatDuration(detail.ttl.ttlMs ?? 0)}` : TTL_WORDS[detail.ttl?.mode ?? ""] ?? "";
  const options = [POLICY_WORDS[detail.policy ?? ""], ttl, detail.rewrite ? `${detail.rewrite.from} → ${detail.rewrite.to}` : ""].filter(Boolean);
  const of = counts ? plural(counts.total, "key") : plural(detail.file?.keys ?? 0, "key");
  return `Imported ${of}${from}${detail.cancelled ? ", cancelled" : ""}: ${parts.join(", ")}. ${options.join("; ")}.`;
}

const SUMMARIES: Record<string, (detail: never) => string> = { "keys.import": importSummary };

function summaryOf(action: string, detail: string | null): string | null {
  const present = SUMMARIES[action];
  if (!present || !detail) return null;
  try {
    return present(JSON.parse(detail) as never);
  } catch {
    return null;
  }
}

function cap(view: SnapshotView | null): SnapshotView | null {
  if (!view || view.lines.length <= MAX_LINES) return view;
  return { ...view, lines: view.lines.slice(0, MAX_LINES), note: `Showing the first ${MAX_LINES} of ${view.lines.length} lines.` };
}

export function presentEntry(entry: AuditEntry): AuditEntryView {
  const before = snapshotView(entry.beforeValue, entry.beforeDigest, entry.beforeMeta);
  const after = snapshotView(entry.afterValue, entry.afterDigest, entry.afterMeta);
  const undo = undoability(entry);
  const key = entry.targetKey ? Buffer.from(entry.targetKey) : null;
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actorEmail: entry.actorEmail,
    connectionId: entry.connectionId,
    connectionName: entry.connectionName,
    action: entry.action,
    key: key ? { ...keyText(key), param: keyToParam(key) } : null,
    detail: entry.detail,
    summary: summaryOf(entry.action, entry.detail),
    outcome: entry.outcome,
    status: entry.status,
    statusNote: STATUS_NOTES[entry.status] ?? null,
    errorCode: entry.errorCode,
    errorMessage: entry.errorMessage,
    clientAddress: entry.clientAddress,
    undoOfId: entry.undoOfId,
    before: cap(before),
    after: cap(after),
    diff: before?.exists && after?.exists && before.lines.length && after.lines.length ? diffLines(before.lines, after.lines) : null,
    undo: { possible: undo.undoable, reason: undo.undoable ? null : undo.reason },
  };
}
