/**
 * How busy the server is while paced walks run, from the CPU time its command thread reports
 * (`Driver.serverCpuSeconds`), so that a walk asks for fewer keys per call while the cache's own clients keep
 * the server busy.
 *
 * Why: one SCAN call holds Redis for its whole length (about 1.6 ms for 1000 keys of a 1M-key Redis on the
 * 2-core bench machine, 0.45–0.55 ms for 250, from INFO commandstats), and while Redis is saturated every
 * queued request of every client waits behind it. Beside redis-benchmark GET with 50 clients on 1M keys, a bare
 * SCAN loop of 1000 keys every 125 ms moved the p99 1.56–1.58× (two runs, medians of five), 250 keys every
 * 125 ms 1.21×; at 4 clients 1.11× and 1.18×. A quarter of the keys per call at the same pause spares a busy
 * cache and costs an idle one nothing, since an idle server gets the full pace. Redis's command thread used 51%
 * (50 clients) and 64% (4 clients) of a core under those loads and 0.2% idle; BUSY_SHARE sits between.
 *
 * One reading per owner (a driver; the Redis driver's namespace walk keys its own by its connection), shared by
 * every walk through it (`serverLoadOf`): the server is read at most once a second per owner however many walks run. Pure apart from that registry: the clock and the reader are passed in.
 */

/** A server whose busiest command thread used at least this share of a core since the last reading is busy. */
export const BUSY_SHARE = 0.25;
/** A busy server's walks ask for this fraction of the pace's keys per call. */
const BUSY_DIVISOR = 4;
/** Keys per call a busy server's walks ask for at least. */
const BUSY_MIN_COUNT = 10;
/** The load is read again at most this often (one INFO per node, between two SCAN calls). */
export const SAMPLE_EVERY_MS = 1000;
/** The first share is measured over at least this long: a shorter window is mostly the server's own timer work. */
export const FIRST_WINDOW_MS = 100;
/**
 * A reading older than this says little of now: the next walk starts over (gentle until a new window). Below it
 * the share is taken over the whole gap, which is what a walk with long pauses needs.
 */
export const STALE_MS = 60_000;
/** A server that failed to say (a timeout, a refused INFO) is asked again after this long; meanwhile walks keep their pace. */
export const RETRY_MS = 60_000;

export interface LoadReading {
  /** Keys the next SCAN call asks for. */
  count: number;
  /** The busiest node's share of a core over the last window, or null before one was measured (or when the server does not say). */
  share: number | null;
  /** True while walks ask for fewer keys because the server is busy (or not yet known to be idle). */
  gentle: boolean;
}

/**
 * The load of one server: `pace(count)` before each SCAN call of a paced walk says how many keys to ask for.
 * Until a first window (FIRST_WINDOW_MS, measured at the first call after it) shows the server's load, walks are
 * gentle, so a walk started on a busy server never runs at the full pace; after that, gentle exactly while the
 * share is at least BUSY_SHARE. A reader that fails or says nothing leaves the pace's count as it is for
 * RETRY_MS (the walk cannot tell, so it keeps the connection's pace, as it did before this existed).
 */
export class ServerLoad {
  private last: { at: number; seconds: Record<string, number> } | null = null;
  private share: number | null = null;
  /** When the server last failed to say; null while it says. */
  private failedAt: number | null = null;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly read: () => Promise<Record<string, number>>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async pace(count: number): Promise<LoadReading> {
    const at = this.now();
    if (this.last !== null && at - this.last.at > STALE_MS) {
      this.last = null;
      this.share = null;
    }
    if (this.failedAt !== null && at - this.failedAt >= RETRY_MS) this.failedAt = null;
    const since = this.last === null ? Infinity : at - this.last.at;
    if (this.failedAt === null && since >= (this.share === null ? FIRST_WINDOW_MS : SAMPLE_EVERY_MS)) {
      // Walks that ask at the same moment share one reading.
      this.reading ??= this.sample(at).finally(() => (this.reading = null));
      await this.reading;
    }
    const gentle = this.failedAt === null && (this.share === null || this.share >= BUSY_SHARE);
    return { count: gentle ? gentleCount(count) : count, share: this.share, gentle };
  }

  private async sample(at: number): Promise<void> {
    let seconds: Record<string, number>;
    try {
      seconds = await this.read();
    } catch {
      this.failedAt = at;
      return;
    }
    if (Object.keys(seconds).length === 0) {
      this.failedAt = at;
      return;
    }
    if (this.last !== null && at > this.last.at) {
      const window = (at - this.last.at) / 1000;
      let busiest = 0;
      for (const [node, used] of Object.entries(seconds)) {
        const before = this.last.seconds[node];
        if (before !== undefined) busiest = Math.max(busiest, (used - before) / window);
      }
      this.share = busiest;
    }
    this.last = { at, seconds };
  }
}

const loads = new WeakMap<object, ServerLoad>();

/** The shared reading of the server `owner` (a driver) talks to: every paced walk over it, the driver's own prefix walks included. */
export function serverLoadOf(owner: object, read: () => Promise<Record<string, number>>): ServerLoad {
  let load = loads.get(owner);
  if (!load) loads.set(owner, (load = new ServerLoad(read)));
  return load;
}

/** Keys per call of a walk over a busy server. */
export function gentleCount(count: number): number {
  return Math.min(count, Math.max(BUSY_MIN_COUNT, Math.floor(count / BUSY_DIVISOR)));
}

/**
 * What the next SCAN call of a walk asks for: `count`, or a quarter of it while the server is busy, for a paced
 * walk (`pauseMs` above 0) over a driver that reports its server's CPU time; else `count` as it is.
 */
export async function walkCount(driver: { serverCpuSeconds?(): Promise<Record<string, number>> }, pauseMs: number, count: number): Promise<LoadReading> {
  const read = driver.serverCpuSeconds?.bind(driver);
  if (pauseMs <= 0 || !read) return { count, share: null, gentle: false };
  return serverLoadOf(driver, read).pace(count);
}
