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
 */
export async function cachedRead<T>(name: CacheGroup, key: string, load: () => Promise<T>): Promise<T> {
  const group = groups[name];
  const hit = group.entries.get(key);
  const now = Date.now();
  if (hit && hit.generation === group.generation && now - hit.storedAt < READ_CACHE_TTL_MS) return hit.value as T;
  const generation = group.generation;
  const value = await load();
  if (READ_CACHE_TTL_MS > 0 && group.generation === generation) {
    if (group.entries.size >= MAX_ENTRIES) group.entries.clear();
    group.entries.set(key, { value, generation, storedAt: now });
  }
  return value;
}

