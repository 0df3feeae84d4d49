import { indexOf } from "../../keyspace/bytes";
import { keyText, keyToParam } from "../../wire/keys";
import {
  TTL_BUCKETS,
  ttlBucketOf,
  type Aggregate,
  type AnalysisFigures,
  type AnalysisType,
  type KeyFigures,
  type NamespaceFigures,
  type TtlBucketName,
} from "../../wire/analysis";
import { TopHeap } from "../keys/top-heap";

/** One key as the analysis sees it: its type, TTL, bytes (memory or value size) and element count. */
export interface AnalysedKey {
  key: Buffer;
  type: AnalysisType;
  ttlMs: number | null;
  bytes: number;
  length: number | null;
  /** The server's internal encoding (Redis OBJECT ENCODING), where the driver says. */
  encoding?: string | null;
}

interface NamespaceSlot extends Aggregate {
  depth: number;
  types: Partial<Record<AnalysisType, number>>;
}

const DEFAULT_NAMESPACE_LIMIT = 10_000;
/** String values whose format is sampled per first-level namespace, and in all. */
const FORMAT_SAMPLES_PER_NAMESPACE = 20;
const FORMAT_SAMPLES_TOTAL = 2_000;
const DEFAULT_TOP = 100;
const DEFAULT_MAX_DEPTH = 8;

function emptyAggregate(): Aggregate {
  return { keys: 0, bytes: 0, noTtlKeys: 0, noTtlBytes: 0 };
}

function addTo(aggregate: Aggregate, entry: AnalysedKey): void {
  aggregate.keys++;
  aggregate.bytes += entry.bytes;
  if (entry.ttlMs === null) {
    aggregate.noTtlKeys++;
    aggregate.noTtlBytes += entry.bytes;
  }
}

interface Ranked {
  value: number;
  entry: AnalysedKey;
}

/** Bigger first; ties by key bytes so two runs over the same data agree. */
function before(a: Ranked, b: Ranked): boolean {
  if (a.value !== b.value) return a.value > b.value;
  return Buffer.compare(a.entry.key, b.entry.key) < 0;
}

/**
 * Folds analysed keys into bounded figures: aggregates per namespace at every depth (at most
 * `namespaceLimit` namespaces; the keys of any further one go to `otherNamespaces`), a TTL histogram, the
 * type mix, and two fixed-size heaps (biggest keys, longest collections). Memory grows with the number of
 * namespaces kept, never with the number of keys: 10M keys cost what 10k namespaces and 200 keys cost.
 * SCAN may return a key twice while Redis rehashes; it is then counted twice, the price of keeping no keys.
 */
export class AnalysisCollector {
  private readonly delimiterBytes: Buffer;
  private readonly namespaces = new Map<string, NamespaceSlot>();
  private readonly totals = emptyAggregate();
  private readonly other = emptyAggregate();
  private readonly root = emptyAggregate();
  private readonly ttl = Object.fromEntries(TTL_BUCKETS.map((b) => [b, { keys: 0, bytes: 0 }])) as Record<TtlBucketName, { keys: number; bytes: number }>;
  private readonly types: Partial<Record<AnalysisType, { keys: number; bytes: number }>> = {};
  /** Keys per encoding, per type: a few entries each, however many keys. */
  private readonly encodings: Partial<Record<AnalysisType, Record<string, number>>> = {};
  private readonly biggest: TopHeap<Ranked>;
  private readonly longest: TopHeap<Ranked>;
  private readonly namespaceLimit: number;
  private readonly maxDepth: number;
  /** Sampled value formats per first-level namespace ("" for keys without one), and how many were taken. */
  private readonly formats = new Map<string, { taken: number; seen: Record<string, number> }>();
  private formatSamples = 0;

  constructor(
    private readonly delimiter: string,
    options: { namespaceLimit?: number; top?: number; maxDepth?: number } = {},
  ) {
    this.delimiterBytes = Buffer.from(delimiter, "utf8");
    this.namespaceLimit = options.namespaceLimit ?? DEFAULT_NAMESPACE_LIMIT;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.biggest = new TopHeap<Ranked>(options.top ?? DEFAULT_TOP, before);
    this.longest = new TopHeap<Ranked>(options.top ?? DEFAULT_TOP, before);
  }

  get keys(): number {
    return this.totals.keys;
  }

  get bytes(): number {
    return this.totals.bytes;
  }

  add(entry: AnalysedKey): void {
    addTo(this.totals, entry);
    const bucket = this.ttl[ttlBucketOf(entry.ttlMs)];
    bucket.keys++;
    bucket.bytes += entry.bytes;
    const byType = (this.types[entry.type] ??= { keys: 0, bytes: 0 });
    byType.keys++;
    byType.bytes += entry.bytes;
    if (entry.encoding) {
      const mix = (this.encodings[entry.type] ??= {});
      mix[entry.encoding] = (mix[entry.encoding] ?? 0) + 1;
    }
    let kept = this.biggest.offer({ value: entry.bytes, entry });
    if (entry.length !== null && entry.type !== "string") kept = this.longest.offer({ value: entry.length, entry }) || kept;
    // A key from a reply may be a view into the whole network buffer: a kept one gets bytes of its own.
    if (kept) entry.key = Buffer.from(entry.key);
    this.addNamespaces(entry);
  }

  /**
   * Whether this string key's value should be sampled for its format: the first few of each first-level
   * namespace, up to a total. Reserves the slot; `addFormat` records what was found.
   */
  sampleFormat(entry: AnalysedKey): string | null {
    if (entry.type !== "string" || this.formatSamples >= FORMAT_SAMPLES_TOTAL) return null;
    const at = this.delimiterBytes.length > 0 ? indexOf(entry.key, this.delimiterBytes, 0) : -1;
    const id = at < 0 ? "" : entry.key.toString("latin1", 0, at + this.delimiterBytes.length);
    if (id !== "" && !this.namespaces.has(id)) return null;
    let slot = this.formats.get(id);
    if (!slot) this.formats.set(id, (slot = { taken: 0, seen: {} }));
    if (slot.taken >= FORMAT_SAMPLES_PER_NAMESPACE) return null;
    slot.taken++;
    this.formatSamples++;
    return id;
  }

  addFormat(id: string, format: string | null): void {
    const slot = this.formats.get(id);
    if (!slot) return;
    const label = format ?? "unknown";
    slot.seen[label] = (slot.seen[label] ?? 0) + 1;
  }

  private addNamespaces(entry: AnalysedKey): void {
    const { key } = entry;
    const delimiter = this.delimiterBytes;
    if (delimiter.length === 0) {
      addTo(this.root, entry);
      return;
    }
    let from = 0;
    let depth = 0;
    while (depth < this.maxDepth) {
      const at = indexOf(key, delimiter, from);
      if (at < 0) break;
      depth++;
      const end = at + delimiter.length;
      // latin1 maps each byte to one char: a compact, exact map key for any bytes.
      const id = key.toString("latin1", 0, end);
      let slot = this.namespaces.get(id);
      if (!slot) {
        if (this.namespaces.size >= this.namespaceLimit) {
          addTo(this.other, entry);
          break;
        }
        slot = { ...emptyAggregate(), depth, types: {} };
        this.namespaces.set(id, slot);
      }
      addTo(slot, entry);
      slot.types[entry.type] = (slot.types[entry.type] ?? 0) + 1;
      from = end;
    }
    if (depth === 0) addTo(this.root, entry);
  }

  figures(options: { scanned: number; complete: boolean; bytesMeasure: AnalysisFigures["bytesMeasure"] }): AnalysisFigures {
    const namespaces: NamespaceFigures[] = [...this.namespaces].map(([id, slot]) => {
      const prefix = Buffer.from(id, "latin1");
      const formats = this.formats.get(id)?.seen;
      return { prefix: keyToParam(prefix), label: keyText(prefix).text, ...slot, ...(formats ? { formats } : {}) };
    });
    namespaces.sort((a, b) => b.bytes - a.bytes || b.keys - a.keys || (a.label < b.label ? -1 : 1));
    const keyFigures = ({ entry }: Ranked): KeyFigures => ({
      key: keyToParam(entry.key),
      label: keyText(entry.key).text,
      type: entry.type,
      bytes: entry.bytes,
      length: entry.length,
      ttlMs: entry.ttlMs,
    });
    return {
      delimiter: this.delimiter,
      bytesMeasure: options.bytesMeasure,
      scanned: options.scanned,
      complete: options.complete,
      totals: { ...this.totals },
      namespaces,
      namespaceLimit: this.namespaceLimit,
      otherNamespaces: { ...this.other },
      rootKeys: { ...this.root },
      rootFormats: this.formats.get("")?.seen ?? {},
      ttl: structuredClone(this.ttl),
      types: structuredClone(this.types),
      ...(Object.keys(this.encodings).length > 0 ? { encodings: structuredClone(this.encodings) } : {}),
      topKeys: this.biggest.sorted().map(keyFigures),
      topCollections: this.longest.sorted().map(keyFigures),
    };
  }
}
