/** Server statistics of the uWSGI driver, from its `--stats` server. */
import { DriverError } from "../errors";
import type { ServerOps } from "../server-ops";
import type { ServerStats } from "../types";
import { fetchStats, type UwsgiStats } from "./protocol";
import type { UwsgiServer } from "./server";
import { UWSGI_COUNTER_NOTICE } from "./settings";

/** Counters and cache geometry from the `--stats` server; only the cache names without one. */
export async function readStats(server: UwsgiServer): Promise<ServerStats> {
  const all = await server.caches();
  const raw: UwsgiStats | null = server.statsAddress ? await fetchStats(server.statsAddress, server.timeoutMs) : null;
  const cacheStats = raw?.caches ?? [];
  const sum = (pick: (c: (typeof cacheStats)[number]) => number) => (raw ? cacheStats.reduce((acc, c) => acc + pick(c), 0) : null);
  return {
    version: raw?.version ?? null,
    uptimeSeconds: null,
    memory: {
      used: null,
      peak: null,
      max: sum((c) => c.blocks * c.blocksize),
      fragmentationRatio: null,
      policy: null,
    },
    connectedClients: null,
    hits: sum((c) => c.hits),
    misses: sum((c) => c.miss),
    evictions: sum((c) => c.full),
    totalCommands: raw?.workers ? raw.workers.reduce((acc, w) => acc + (w.requests ?? 0), 0) : null,
    opsPerSec: null,
    keyspace: raw ? cacheStats.map((c) => ({ name: c.name, keys: c.items, expires: null })) : all.map((c) => ({ name: c.name, keys: 0, expires: null })),
    ...(raw
      ? {
          usage: {
            caches: cacheStats.map((c) => ({ name: c.name, items: c.items, maxItems: c.max_items, blocks: c.blocks, blocksize: c.blocksize, hits: c.hits, misses: c.miss, full: c.full })),
          },
        }
      : {}),
    detail: {
      caches: raw ? cacheStats : all,
      workers: raw?.workers?.length ?? null,
      pid: raw?.pid ?? null,
      listenQueue: raw?.listen_queue ?? null,
      counterNotice: UWSGI_COUNTER_NOTICE,
    },
  };
}

/** The Server tab's view: the stats server's cache section, each cache as it reports itself. */
export function uwsgiServerOps(server: UwsgiServer): ServerOps {
  return {
    nodeChoices: async () => [],
    view: async (view) => {
      if (view !== "uwsgi") throw new DriverError("UNSUPPORTED", `uWSGI has no ${view} view`);
      if (!server.statsAddress) return { view, data: { caches: [], missing: "Set the uWSGI stats server address (--stats) in the connection to see its caches' figures." } };
      const raw = await fetchStats(server.statsAddress, server.timeoutMs);
      return { view, data: { caches: (raw.caches ?? []).map((cache) => ({ ...cache })), missing: null } };
    },
  };
}
