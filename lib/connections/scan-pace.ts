/**
 * The pace of every walk over a whole keyspace (the namespace tree scan and its level fills, analyses,
 * whole-namespace sorts, namespace count/expire/delete, exports, the key list's search pages): how many keys
 * one SCAN call asks for, and how long to wait before the next call so the cache's other clients get the
 * server in between. One resolution per connection, in this order:
 *
 *   the profile's own value (`scanCount`, `scanPauseMs`; null means "default")
 *   > the environment variable (CACHEBOARD_SCAN_COUNT, CACHEBOARD_SCAN_PAUSE_MS)
 *   > the built-in default: 5000 keys per call and no pause; on production connections 1000 keys and a
 *     125 ms pause.
 *
 * Why 5000 keys a call where nothing pauses: a walk over 1M keys makes 200 round trips instead of 1000, and each
 * costs a write and a wake-up on both sides; the unpaced tree walk of 1M keys took 0.87–0.93× a raw SCAN
 * COUNT 1000 walk with 5000 (rescans, medians of three, two runs) against 1.29–1.31× with 1000.
 *
 * Why 1000 keys every 125 ms on production: what the cache's other clients notice is how long one call holds
 * the server (with many clients, every queued request waits behind it) and how often calls come (with few).
 * Beside redis-benchmark GET on 1M keys (`npm run bench -- tree`, which also walks raw at the same pace), a
 * SCAN of 5000 keys every 125 ms put the 50-client p99 at 3.8–4.9 ms (alone 1.1–1.8 ms) in five runs, raw or
 * through Cacheboard alike; 1000 every 125 ms at 2.4–2.7 ms, and 1000 every 25 ms (the same rate as 5000/125, five
 * times the calls) moved the 4-client p99 1.5× where 125 ms pauses moved it 1.1–1.35×. The price is time: a
 * production walk reads 8,000 keys a second, two minutes for 1M keys; the tree fills in meanwhile, and the
 * index, shared and kept live, is built once. On top of the pace, paced walks other than the analysis ask a busy
 * server for a quarter of the count per call (./server-load.ts).
 *
 * Only kinds whose descriptor says `pacedScan` (the Redis kinds) are paced; memcached's metadump and uWSGI's
 * item table are read in one go at the server's speed, so their walks take pages of UNPACED_PAGE entries with
 * no pause, whatever the profile or the environment says. How many keys the tree scan describes
 * (CACHEBOARD_SCAN_SAMPLE_EVERY) is an environment setting only, carried here so that nothing else reads it.
 *
 * Pure: the environment is passed in (the server passes process.env).
 */
import { ENVIRONMENT_NAMES, type EnvironmentName } from "./profile-options";

export interface ScanPace {
  /** Walks of this connection go at this pace (its kind's `pacedScan`); false: read at the server's speed. */
  paced: boolean;
  /** Keys one SCAN call asks for (COUNT); for unpaced kinds, entries per listing page. */
  count: number;
  /** Pause between two calls, in ms. */
  pauseMs: number;
  /** The tree scan describes (TYPE/PTTL/size) one key in this many. */
  sampleEvery: number;
  /** `sampleEvery` was set by CACHEBOARD_SCAN_SAMPLE_EVERY: the tree scan uses it as is, not scaled to the keyspace. */
  sampleFixed: boolean;
}

type Env = Record<string, string | undefined>;

const DEFAULT_SCAN_COUNT = 5000;
const PRODUCTION_SCAN_COUNT = 1000;
const PRODUCTION_SCAN_PAUSE_MS = 125;
const DEFAULT_SAMPLE_EVERY = 50;
/** Listing page of an unpaced kind (memcached, uWSGI). */
const UNPACED_PAGE = 1000;

const warned = new Set<string>();

function envNumber(env: Env, name: string, min: number): number | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return null;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    if (!warned.has(`${name}=${raw}`)) console.warn(`${name}=${raw} is not an integer ≥ ${min}; using the default.`);
    warned.add(`${name}=${raw}`);
    return null;
  }
  return value;
}

/** What a profile that sets neither field gets: the environment variables, else the built-in defaults. */
function defaultScanPace(environment: string, env: Env): { count: number; pauseMs: number } {
  return {
    count: envNumber(env, "CACHEBOARD_SCAN_COUNT", 1) ?? (environment === "production" ? PRODUCTION_SCAN_COUNT : DEFAULT_SCAN_COUNT),
    pauseMs: envNumber(env, "CACHEBOARD_SCAN_PAUSE_MS", 0) ?? (environment === "production" ? PRODUCTION_SCAN_PAUSE_MS : 0),
  };
}

/** The defaults per environment, for the connection form's placeholders (computed on the server, where the variables are). */
export type ScanPaceDefaults = Record<EnvironmentName, { count: number; pauseMs: number }>;

export function scanPaceDefaults(env: Env): ScanPaceDefaults {
  return Object.fromEntries(ENVIRONMENT_NAMES.map((name) => [name, defaultScanPace(name, env)])) as ScanPaceDefaults;
}

/** The pace of one connection's walks, from its profile (see the module comment for the order). */
export function resolveScanPace(
  profile: { environment: string; scanCount: number | null; scanPauseMs: number | null },
  options: { paced: boolean; env: Env },
): ScanPace {
  const sampleEnv = envNumber(options.env, "CACHEBOARD_SCAN_SAMPLE_EVERY", 1);
  const sample = { sampleEvery: sampleEnv ?? DEFAULT_SAMPLE_EVERY, sampleFixed: sampleEnv !== null };
  if (!options.paced) return { paced: false, count: UNPACED_PAGE, pauseMs: 0, ...sample };
  const fallback = defaultScanPace(profile.environment, options.env);
  return {
    paced: true,
    count: profile.scanCount ?? fallback.count,
    pauseMs: profile.scanPauseMs ?? fallback.pauseMs,
    ...sample,
  };
}

/**
 * Keys per SCAN call of a walk that probes every key it reads (the analysis, the whole-namespace sort): the
 * pace's count, but at most PROBED_PAGE_LIMIT on a paced connection. Such a walk's page is one run of probes
 * with no pause inside it, so its size is how long the cache's other clients wait behind it: with 5000-key
 * pages a paced analysis moved redis-benchmark's GET p99 1.74× (4 clients, 100k keys), with 1000-key pages
 * 1.28–1.34× in the same session, at the same share of the cache's time.
 */
export function probedPageCount(pace: ScanPace): number {
  return pace.pauseMs > 0 ? Math.min(pace.count, PROBED_PAGE_LIMIT) : pace.count;
}

const PROBED_PAGE_LIMIT = 1000;

/** The prefix walks' share of the pace (lib/drivers PrefixOptions): nothing for unpaced kinds, whose batches are their own. */
export function prefixPace(pace: ScanPace): { batchSize?: number; pauseMs?: number } {
  return pace.paced ? { batchSize: pace.count, pauseMs: pace.pauseMs } : {};
}
