/**
 * The numbers a stats sample keeps, and what the charts and overview cards derive from consecutive samples.
 * Pure functions, shared by the server's sampler and the browser: rates and ratios come from counter deltas
 * between two samples, so they describe that interval, not the server's whole lifetime.
 */
import type { ServerStats } from "../drivers/types";

/** One reading of a server's counters, or a failed reading (`ok: false`, every figure null: a gap in the charts). */
export interface Sample {
  at: number;
  ok: boolean;
  memoryUsed: number | null;
  memoryMax: number | null;
  keys: number | null;
  hits: number | null;
  misses: number | null;
  evictions: number | null;
  totalCommands: number | null;
  /** The server's own rate, when it reports one (Redis `instantaneous_ops_per_sec`). */
  opsPerSec: number | null;
  clients: number | null;
}

/** What a chart plots at one sample time. */
interface Point {
  at: number;
  memoryUsed: number | null;
  memoryMax: number | null;
  keys: number | null;
  opsPerSec: number | null;
  /** Hits over reads in the interval before this sample; null when nothing was read in it. */
  hitRatio: number | null;
  hitsPerSec: number | null;
  missesPerSec: number | null;
  evictionsPerSec: number | null;
  clients: number | null;
}

/** A fixed-capacity buffer that drops its oldest entry when full. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }

  last(n = 1): T[] {
    return this.toArray().slice(-n);
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}

export function sampleOf(at: number, stats: ServerStats): Sample {
  return {
    at,
    ok: true,
    memoryUsed: stats.memory.used,
    memoryMax: stats.memory.max,
    keys: stats.keyspace.length ? stats.keyspace.reduce((total, k) => total + k.keys, 0) : null,
    hits: stats.hits,
    misses: stats.misses,
    evictions: stats.evictions,
    totalCommands: stats.totalCommands,
    opsPerSec: stats.opsPerSec,
    clients: stats.connectedClients,
  };
}

export function failedSample(at: number): Sample {
  return { at, ok: false, memoryUsed: null, memoryMax: null, keys: null, hits: null, misses: null, evictions: null, totalCommands: null, opsPerSec: null, clients: null };
}

/** A counter's increase between two samples; null when either is missing or it went down (a restart or a reset). */
function delta(previous: number | null | undefined, current: number | null): number | null {
  if (previous === null || previous === undefined || current === null) return null;
  return current >= previous ? current - previous : null;
}

/** The point of `current`, with rates over the interval since `previous` (a failed or missing previous sample gives no rates). */
export function pointOf(previous: Sample | undefined, current: Sample): Point {
  const before = previous?.ok ? previous : undefined;
  const seconds = before ? (current.at - before.at) / 1000 : 0;
  const perSecond = (d: number | null) => (d !== null && seconds > 0 ? d / seconds : null);
  const hits = delta(before?.hits, current.hits);
  const misses = delta(before?.misses, current.misses);
  const commands = perSecond(delta(before?.totalCommands, current.totalCommands));
  return {
    at: current.at,
    memoryUsed: current.memoryUsed,
    memoryMax: current.memoryMax,
    keys: current.keys,
    // The counter delta is the figure for the interval; the server's instantaneous rate stands in only for the first sample.
    opsPerSec: commands ?? (before ? null : current.opsPerSec),
    hitRatio: hits !== null && misses !== null && hits + misses > 0 ? hits / (hits + misses) : null,
    hitsPerSec: perSecond(hits),
    missesPerSec: perSecond(misses),
    evictionsPerSec: perSecond(delta(before?.evictions, current.evictions)),
    clients: current.clients,
  };
}

export function pointsOf(samples: Sample[]): Point[] {
  return samples.map((sample, i) => pointOf(samples[i - 1], sample));
}

/** Hits over hits + misses since the server started; null when it has served no read or does not report them. */
export function lifetimeHitRatio(hits: number | null, misses: number | null): number | null {
  return hits !== null && misses !== null && hits + misses > 0 ? hits / (hits + misses) : null;
}

/** Appends the samples the server sent since the last poll, dropping repeats, keeping the newest `capacity`. */
export function mergeSamples(held: Sample[], fresh: Sample[], capacity: number): Sample[] {
  const last = held.length ? held[held.length - 1].at : -Infinity;
  return [...held, ...fresh.filter((s) => s.at > last)].slice(-capacity);
}
