/**
 * How busy the server is while a paced walk runs, from the CPU time its command thread reports
 * (`Driver.serverCpuSeconds`), so that the walk can ask for fewer keys per call while the cache's own
 * clients keep it busy.
 *
 * Why: one SCAN call holds Redis for its whole length (about 1.6 ms for 1000 keys of a 1M-key Redis on the
 * 2-core bench machine, INFO commandstats), and while Redis is saturated every queued request of every
 * client waits behind it. Beside redis-benchmark GET with 50 clients on 1M keys, a bare SCAN loop of 1000
 * keys every 125 ms moved the p99 1.56–1.58× (two runs, medians of five), 250 keys every 125 ms 1.21×, and
 * the same loop at 4 clients moved it 1.11× and 1.18×: a quarter of the keys per call, at the same pause,
 * spares a busy cache where it matters and costs an idle one nothing, since an idle server runs the walk at
 * the full pace. Redis's command thread used 51% (50 clients) and 64% (4 clients) of a core under those
 * loads and 0.2% idle; BUSY_SHARE sits between.
 *
 * Pure: the clock and the reader are passed in.
 */

/** A server whose busiest command thread used at least this share of a core since the last sample is busy. */
export const BUSY_SHARE = 0.25;
/** A busy server's walk asks for this fraction of the pace's keys per call. */
const BUSY_DIVISOR = 4;
/** Keys per call a busy server's walk asks for at least. */
const BUSY_MIN_COUNT = 10;
/** The load is read again at most this often (one INFO per node, between two SCAN calls). */
export const SAMPLE_EVERY_MS = 1000;
/** The first share is measured over at least this long: a shorter window is mostly the server's own timer work. */
export const FIRST_WINDOW_MS = 100;

export interface LoadReading {
  /** Keys the next SCAN call asks for. */
  count: number;
  /** The busiest node's share of a core over the last window, or null before the second sample (or when the server does not say). */
  share: number | null;
  /** True while the walk asks for fewer keys because the server is busy (or not yet known to be idle). */
  gentle: boolean;
}

/**
 * The pace of one walk over one server: `next()` before each SCAN call says how many keys to ask for. Until
 * the second sample (FIRST_WINDOW_MS after the first, at the first call after that) the walk is gentle, so a walk started on a busy server
 * never runs at the full pace; after that, gentle exactly while the share is at least BUSY_SHARE. A reader
 * that fails or says nothing leaves the pace's count as it is (the walk cannot tell, so it keeps the
 * connection's pace, which is what it did before this existed).
 */
export class ServerLoad {
  private last: { at: number; seconds: Record<string, number> } | null = null;
  private share: number | null = null;
  private unknown = false;

  constructor(
    private readonly count: number,
    private readonly read: () => Promise<Record<string, number>>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async next(): Promise<LoadReading> {
    const at = this.now();
    const since = this.last === null ? Infinity : at - this.last.at;
    if (!this.unknown && since >= (this.share === null ? FIRST_WINDOW_MS : SAMPLE_EVERY_MS)) await this.sample(at);
    const gentle = !this.unknown && (this.share === null || this.share >= BUSY_SHARE);
    return { count: gentle ? gentleCount(this.count) : this.count, share: this.share, gentle };
  }

  private async sample(at: number): Promise<void> {
    let seconds: Record<string, number>;
    try {
      seconds = await this.read();
    } catch {
      this.unknown = true;
      return;
    }
    if (Object.keys(seconds).length === 0) {
      this.unknown = true;
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

/** Keys per call of a walk over a busy server. */
export function gentleCount(count: number): number {
  return Math.min(count, Math.max(BUSY_MIN_COUNT, Math.floor(count / BUSY_DIVISOR)));
}
