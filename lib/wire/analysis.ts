/**
 * A keyspace analysis report as it crosses the wire and as it is stored (the `figures` JSON of an
 * `AnalysisReport` row). The analysis itself runs in `lib/server/analysis/`. Client-safe.
 */

export type AnalysisType = "string" | "hash" | "list" | "set" | "zset" | "stream" | "unknown";

/** Time-to-live buckets: expires within an hour, a day, a week, later, or never. */
export const TTL_BUCKETS = ["hour", "day", "week", "later", "never"] as const;
export type TtlBucketName = (typeof TTL_BUCKETS)[number];

export const TTL_BUCKET_LABELS: Record<TtlBucketName, string> = {
  hour: "within 1 hour",
  day: "within 1 day",
  week: "within 1 week",
  later: "later",
  never: "never",
};

export function ttlBucketOf(ttlMs: number | null): TtlBucketName {
  if (ttlMs === null || ttlMs < 0) return "never";
  if (ttlMs <= 3_600_000) return "hour";
  if (ttlMs <= 86_400_000) return "day";
  if (ttlMs <= 7 * 86_400_000) return "week";
  return "later";
}

export interface Aggregate {
  keys: number;
  bytes: number;
  /** Keys without a TTL, and their bytes. */
  noTtlKeys: number;
  noTtlBytes: number;
}

export interface NamespaceFigures extends Aggregate {
  /** The namespace's key prefix, delimiter included, as base64url (a key-browser `ns` link). */
  prefix: string;
  /** Display text of the prefix. */
  label: string;
  /** 1 for a first-level namespace. */
  depth: number;
  /** Keys by type. */
  types: Partial<Record<AnalysisType, number>>;
  /** First-level namespaces: value formats of a sample of their strings (the first 20 seen), by label. */
  formats?: Record<string, number>;
}

export interface KeyFigures {
  /** base64url of the key, for links. */
  key: string;
  label: string;
  type: AnalysisType;
  bytes: number;
  /** Element count for collections; null for strings. */
  length: number | null;
  ttlMs: number | null;
}

/** One memcached slab class on one server (`stats slabs`): chunk size, chunks in use, pages and memory. */
interface SlabUsage {
  server: string;
  id: number;
  chunkSize: number;
  usedChunks: number;
  totalChunks: number;
  totalPages: number;
  /** Bytes the class's pages take (`total_pages` × the 1 MiB slab page, as memcached allocates them). */
  memory: number;
}

/** One uWSGI cache as its stats server reports it. */
interface CacheUsage {
  name: string;
  items: number;
  maxItems: number;
  blocks: number;
  blocksize: number;
  hits: number;
  misses: number;
  /** Times a store found the cache full. */
  full: number;
}

/** The cache's own usage figures, where the backend reports them (memcached slabs, uWSGI caches). */
export interface CacheServerUsage {
  slabs?: SlabUsage[];
  caches?: CacheUsage[];
}

export interface AnalysisFigures {
  /** The connection's namespace delimiter when the analysis ran. */
  delimiter: string;
  /**
   * "memory": what each key costs the server (Redis MEMORY USAGE, exact; memcached's item size in its slab);
   * "value": the stored value's size (uWSGI); "mixed": some of each (MEMORY USAGE refused part-way).
   */
  bytesMeasure: "memory" | "value" | "mixed";
  /** Keys looked at (the whole keyspace unless cancelled). */
  scanned: number;
  complete: boolean;
  totals: Aggregate;
  /** Namespaces at every depth, biggest first; at most `namespaceLimit` are kept. */
  namespaces: NamespaceFigures[];
  namespaceLimit: number;
  /** Keys of namespaces past the limit (counted once per level they were folded at), and of keys with no delimiter. */
  otherNamespaces: Aggregate;
  rootKeys: Aggregate;
  /** Sampled value formats of keys without a namespace. */
  rootFormats: Record<string, number>;
  ttl: Record<TtlBucketName, { keys: number; bytes: number }>;
  types: Partial<Record<AnalysisType, { keys: number; bytes: number }>>;
  /** Keys per internal encoding for each type (Redis OBJECT ENCODING); absent where the backend has none. */
  encodings?: Partial<Record<AnalysisType, Record<string, number>>>;
  /** The server's own memory figures when the analysis ended (null where the backend does not report them). */
  server?: { usedBytes: number | null; maxBytes: number | null; usage?: CacheServerUsage };
  /** The biggest keys by bytes, and the longest collections by element count (100 each). */
  topKeys: KeyFigures[];
  topCollections: KeyFigures[];
}

/** A stored report; `figures` only when one report is read. */
export interface AnalysisReportSummary {
  id: string;
  connectionId: string;
  actorEmail: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: "done" | "cancelled";
  keys: number;
}

export interface AnalysisReportView extends AnalysisReportSummary {
  figures: AnalysisFigures;
}

/** What a running analysis job publishes while it runs (its `result`): the stored report's id once saved. */
export interface AnalysisJobResult {
  reportId: string | null;
  scanned: number;
  bytes: number;
}
