import "server-only";
import { loadConnection } from "../connections/load";
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from "../db-errors";
import { DriverError, isDriverError } from "../drivers/errors";
import type { ServerStats } from "../drivers/types";
import { failedSample, RingBuffer, sampleOf, type Sample } from "./history";
import type { ErrorCode } from "../wire/errors";
import type { SampleFailure } from "./replies";

/**
 * The last hour of every viewed connection's counters, kept in the app process so that opening the stats
 * page or the overview shows history instead of an empty chart.
 *
 * A connection's sampler starts the first time its stats or the overview are asked for, not for every
 * profile when the server boots: an instance holding profiles of many production caches that nobody opens
 * should not poll them all every few seconds. Once started it keeps sampling until the connection is
 * deleted (or the process ends), so a later visit finds the hour it missed. Each sampler holds at most
 * `CAPACITY` compact samples (a few numbers each) and the latest full reading, so memory stays bounded.
 * Only read commands are sent (Redis INFO, memcached `stats`, the uWSGI stats server), so read-only
 * connections are sampled like any other.
 */

/** One hour at the default interval. */
export const CAPACITY = 720;
const DEFAULT_INTERVAL_MS = 5_000;

/** `CACHEBOARD_STATS_SAMPLE_MS` changes the interval (tests use a short one); the buffer keeps 720 samples either way. */
export function sampleIntervalMs(): number {
  const configured = Number(process.env.CACHEBOARD_STATS_SAMPLE_MS);
  return Number.isFinite(configured) && configured >= 200 ? Math.floor(configured) : DEFAULT_INTERVAL_MS;
}

export interface SamplerState {
  samples: Sample[];
  latest: { at: number; stats: ServerStats } | null;
  failure: SampleFailure | null;
}

interface Sampler {
  id: string;
  ring: RingBuffer<Sample>;
  latest: { at: number; stats: ServerStats } | null;
  failure: SampleFailure | null;
  /** Kind and settings of the profile sampled: history of a different server is dropped when they change. */
  target: string | null;
  timer?: NodeJS.Timeout;
  /** The reading under way; a slow server skips ticks instead of piling readings up. */
  reading: Promise<void> | null;
  /** Resolves once the first reading (success or failure) is in. */
  first: Promise<void>;
  stopped: boolean;
}

const holder = globalThis as unknown as { cacheboardSamplers?: Map<string, Sampler> };
const samplers = (holder.cacheboardSamplers ??= new Map());

/** A driver has its own timeout; this backstop keeps one that never settles from stopping the sampler for good. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DriverError("TIMEOUT", `No answer within ${Math.round(ms / 1000)} s.`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function read(sampler: Sampler): Promise<void> {
  const at = Date.now();
  try {
    const connection = await loadConnection(sampler.id);
    if (!connection) {
      stopSampler(sampler.id);
      return;
    }
    const target = JSON.stringify([connection.profile.kind, connection.profile.settings]);
    if (sampler.target !== null && sampler.target !== target) {
      sampler.ring.clear();
      sampler.latest = null;
    }
    sampler.target = target;
    const stats = await withDeadline(connection.driver().stats(), connection.profile.timeoutMs + 1_000);
    if (sampler.stopped) return;
    sampler.ring.push(sampleOf(at, stats));
    sampler.latest = { at, stats };
    sampler.failure = null;
  } catch (error) {
    if (sampler.stopped) return;
    // A driver's own code; anything else (a bug, a database failure while loading the profile) is not the server's answer.
    const code: ErrorCode = isDriverError(error) ? error.code : isDatabaseUnavailable(error) ? DATABASE_UNAVAILABLE : "INTERNAL";
    sampler.ring.push(failedSample(at));
    sampler.failure = { at, code, message: error instanceof Error ? error.message : String(error) };
  }
}

function tick(sampler: Sampler): Promise<void> {
  if (!sampler.reading) sampler.reading = read(sampler).finally(() => (sampler.reading = null));
  return sampler.reading;
}

/** The sampler of a connection, started on first use. */
function ensureSampler(id: string): Sampler {
  const existing = samplers.get(id);
  if (existing) return existing;
  const sampler: Sampler = { id, ring: new RingBuffer<Sample>(CAPACITY), latest: null, failure: null, target: null, reading: null, first: Promise.resolve(), stopped: false };
  sampler.timer = setInterval(() => void tick(sampler), sampleIntervalMs());
  // The process may end while sampling: the timer must not keep it alive.
  sampler.timer.unref();
  sampler.first = tick(sampler);
  samplers.set(id, sampler);
  return sampler;
}

/**
 * What has been sampled for a connection, starting its sampler if needed. A fresh sampler is given up to
 * `waitMs` for its first reading, so a first visit shows numbers without waiting on an unreachable server.
 * `since`: only samples taken after it (a poll asks for what it has not seen).
 */
export async function sampledStats(id: string, options: { waitMs?: number; since?: number } = {}): Promise<SamplerState> {
  const sampler = ensureSampler(id);
  if (!sampler.latest && !sampler.failure && options.waitMs) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sampler.first, new Promise((resolve) => (timer = setTimeout(resolve, options.waitMs)))]);
    clearTimeout(timer);
  }
  const since = options.since ?? -Infinity;
  return { samples: sampler.ring.toArray().filter((s) => s.at > since), latest: sampler.latest, failure: sampler.failure };
}

/** Stops sampling a connection and forgets its history (the connection was deleted). */
export function stopSampler(id: string): void {
  const sampler = samplers.get(id);
  if (!sampler) return;
  sampler.stopped = true;
  clearInterval(sampler.timer);
  samplers.delete(id);
}

/** Connections being sampled now, for tests and diagnostics. */
export function sampledConnectionIds(): string[] {
  return [...samplers.keys()];
}
