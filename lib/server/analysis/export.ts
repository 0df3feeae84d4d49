import "server-only";
import { TTL_BUCKETS, TTL_BUCKET_LABELS, type AnalysisReportView } from "../../wire/analysis";
import { csvCell } from "../csv";

const COLUMNS = ["section", "name", "base64url", "depth", "type", "keys", "bytes", "noTtlKeys", "noTtlBytes", "length", "ttlMs", "sampledFormats"] as const;
type Row = Partial<Record<(typeof COLUMNS)[number], string | number | null>>;

/**
 * A report as one CSV table: a `section` column says what each row is (total, namespace, ttl, type,
 * top-key, top-collection), so one file opens in a spreadsheet and filters by section.
 */
export function reportCsv(report: AnalysisReportView): string {
  const { figures } = report;
  const rows: Row[] = [
    { section: "total", name: "all keys", ...figures.totals },
    { section: "total", name: "keys without a namespace", ...figures.rootKeys },
  ];
  if (figures.otherNamespaces.keys > 0) rows.push({ section: "total", name: "namespaces past the limit", ...figures.otherNamespaces });
  for (const ns of figures.namespaces) {
    const formats = ns.formats ? Object.entries(ns.formats).map(([label, count]) => `${label}: ${count}`).join("; ") : null;
    rows.push({ section: "namespace", name: ns.label, base64url: ns.prefix, depth: ns.depth, keys: ns.keys, bytes: ns.bytes, noTtlKeys: ns.noTtlKeys, noTtlBytes: ns.noTtlBytes, sampledFormats: formats });
  }
  for (const bucket of TTL_BUCKETS) rows.push({ section: "ttl", name: TTL_BUCKET_LABELS[bucket], ...figures.ttl[bucket] });
  for (const [type, figure] of Object.entries(figures.types)) rows.push({ section: "type", name: type, type, ...figure });
  for (const [type, mix] of Object.entries(figures.encodings ?? {})) {
    for (const [encoding, keys] of Object.entries(mix)) rows.push({ section: "encoding", name: encoding, type, keys });
  }
  for (const slab of figures.server?.usage?.slabs ?? []) rows.push({ section: "slab", name: `${slab.server} class ${slab.id}`, keys: slab.usedChunks, bytes: slab.memory, length: slab.chunkSize });
  for (const cache of figures.server?.usage?.caches ?? []) rows.push({ section: "cache", name: cache.name, keys: cache.items, bytes: cache.blocks * cache.blocksize });
  for (const [section, keys] of [["top-key", figures.topKeys], ["top-collection", figures.topCollections]] as const) {
    for (const key of keys) rows.push({ section, name: key.label, base64url: key.key, type: key.type, bytes: key.bytes, length: key.length, ttlMs: key.ttlMs });
  }
  const lines = [COLUMNS.join(","), ...rows.map((row) => COLUMNS.map((column) => csvCell(row[column] ?? null)).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}
