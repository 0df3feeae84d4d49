/** What the stats and overview route handlers answer: plain data, shared by the handlers and the browser. */
import type { ServerStats } from "../drivers/types";
import type { ErrorCode } from "../wire/errors";
import { lifetimeHitRatio, pointOf, type Sample } from "./history";

export interface SampleFailure {
  at: number;
  code: ErrorCode;
  message: string;
}

export interface StatsReply {
  ok: true;
  intervalMs: number;
  capacity: number;
  /** The newest successful reading in full (keyspace, slabs, caches, nodes), or null before the first one. */
  latest: { at: number; stats: ServerStats } | null;
  /** Set while the newest reading failed. */
  failure: SampleFailure | null;
  /** Samples taken after the `since` the request gave, oldest first. */
  samples: Sample[];
}

/** The at-a-glance figures of one connection. */
export interface Figures {
  at: number;
  version: string | null;
  uptimeSeconds: number | null;
  memoryUsed: number | null;
  memoryMax: number | null;
  keys: number | null;
  /** Since the server started. */
  hitRatio: number | null;
  /** Over the last sampling interval. */
  opsPerSec: number | null;
  evictions: number | null;
  clients: number | null;
}

export interface OverviewEntry {
  id: string;
  figures: Figures | null;
  failure: SampleFailure | null;
}

export interface OverviewReply {
  ok: true;
  intervalMs: number;
  connections: OverviewEntry[];
}

export function figuresOf(latest: { at: number; stats: ServerStats }, samples: Sample[]): Figures {
  const s = latest.stats;
  const [previous, current] = samples.filter((sample) => sample.ok).slice(-2);
  const last = current ?? previous;
  return {
    at: latest.at,
    version: s.version,
    uptimeSeconds: s.uptimeSeconds,
    memoryUsed: s.memory.used,
    memoryMax: s.memory.max,
    keys: s.keyspace.length ? s.keyspace.reduce((total, k) => total + k.keys, 0) : null,
    hitRatio: lifetimeHitRatio(s.hits, s.misses),
    opsPerSec: last ? pointOf(current ? previous : undefined, last).opsPerSec : s.opsPerSec,
    evictions: s.evictions,
    clients: s.connectedClients,
  };
}
