/**
 * A short-lived, process-wide memo of the two lookups every API request makes: the session (with its user)
 * and the connection profile. Opening keys, paging lists and polling come in bursts; without the memo each
 * request paid two database round trips before touching the cache.
 *
 * Correctness rests on invalidation, not on the time limit: every write to the tables a group reads from,
 * made through this process's client (see `db()`), bumps the group's generation and drops its entries
 * (the client reports writes through `noteWrite`). The time limit only bounds how long a change made by
 * another process sharing the database (a second instance, a script) can go unseen.
 */

type CacheGroup = "auth" | "connections";

/** Which group each written model invalidates. */
const GROUP_OF_MODEL: Record<string, CacheGroup> = {
  User: "auth",
  Session: "auth",
  ConnectionProfile: "connections",
};

interface Entry<T> {
  value: T;
  generation: number;
  storedAt: number;
  /** A read started ahead of expiry is under way (see cachedRead). */
  refreshing?: boolean;
}

interface Group {
  generation: number;
  entries: Map<string, Entry<unknown>>;
}

/** Entries older than this are read again even without a write seen here. */
const READ_CACHE_TTL_MS = Number(process.env.CACHEBOARD_READ_CACHE_MS ?? 2000);
/** Bounds memory when many sessions or connections are active at once. */
const MAX_ENTRIES = 5000;

const holder = globalThis as unknown as { cacheboardReadCache?: Record<CacheGroup, Group> };
const groups = (holder.cacheboardReadCache ??= {
  auth: { generation: 0, entries: new Map() },
  connections: { generation: 0, entries: new Map() },
});

/** Called by the database client after any write to a model; unknown models invalidate nothing. */
export function noteWrite(model: string | undefined): void {
  const name = model ? GROUP_OF_MODEL[model] : undefined;
  if (!name) return;
  const group = groups[name];
  group.generation += 1;
  group.entries.clear();
}

/**
 * The memoised result of `load` for `key`. A load that started before a write is not stored (its result
 * may predate the write), so a write is never hidden by a read racing it.
 *
 * Past half its time limit, an entry is still answered at once while one read refreshes it in the background
 * (refresh-ahead): a steady stream of requests never waits for the database, and no entry is ever answered
 * past the limit itself (then the request waits for a fresh read, as on a miss).
 */
export async function cachedRead<T>(name: CacheGroup, key: string, load: () => Promise<T>): Promise<T> {
  const group = groups[name];
  const hit = group.entries.get(key);
  const now = Date.now();
  if (hit && hit.generation === group.generation && now - hit.storedAt < READ_CACHE_TTL_MS) {
    if (now - hit.storedAt >= READ_CACHE_TTL_MS / 2 && !hit.refreshing) {
      hit.refreshing = true;
      // A failed refresh leaves the entry to expire; the request after that reads (and reports) itself.
      void readAndStore(group, key, load).catch(() => undefined).finally(() => (hit.refreshing = false));
    }
    return hit.value as T;
  }
  return readAndStore(group, key, load);
}

async function readAndStore<T>(group: Group, key: string, load: () => Promise<T>): Promise<T> {
  const generation = group.generation;
  const startedAt = Date.now();
  const value = await load();
  if (READ_CACHE_TTL_MS > 0 && group.generation === generation) {
    if (group.entries.size >= MAX_ENTRIES) group.entries.clear();
    group.entries.set(key, { value, generation, storedAt: startedAt });
  }
  return value;
}
