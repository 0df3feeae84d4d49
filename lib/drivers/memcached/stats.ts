/** Server statistics of the memcached driver: `stats` and `stats slabs` of every server in the pool. */
import type { MemcachedServerView } from "../../wire/server";
import { DriverError } from "../errors";
import type { ServerOps } from "../server-ops";
import type { ServerStats } from "../types";
import { throwIfError } from "./connection";
import type { MemcachedPool } from "./pool";

export function numberOrNull(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** `stats` and `stats slabs` of every server, summed where a sum means something, per server in `detail`. */
export async function readStats(pool: MemcachedPool): Promise<ServerStats> {
  const perServer = await Promise.all(
    pool.connections.map(async (connection) => {
      const [general, slabs] = await connection.send("stats\r\nstats slabs\r\n", ["stats", "stats"]);
      throwIfError(general, connection.address);
      throwIfError(slabs, connection.address);
      return { address: connection.address, general: general.stats ?? new Map<string, string>(), slabs: slabs.stats ?? new Map<string, string>() };
    }),
  );
  const sum = (name: string): number | null => {
    let total = 0;
    for (const s of perServer) {
      const n = numberOrNull(s.general.get(name));
      if (n === null) return null;
      total += n;
    }
    return total;
  };
  const totalCommands = ["cmd_get", "cmd_set", "cmd_touch", "cmd_flush"].reduce((acc, name) => acc + (sum(name) ?? 0), 0);
  return {
    version: perServer[0].general.get("version") ?? null,
    uptimeSeconds: numberOrNull(perServer[0].general.get("uptime")),
    memory: { used: sum("bytes"), peak: null, max: sum("limit_maxbytes"), fragmentationRatio: null, policy: "lru" },
    connectedClients: sum("curr_connections"),
    hits: sum("get_hits"),
    misses: sum("get_misses"),
    evictions: sum("evictions"),
    totalCommands,
    opsPerSec: null,
    keyspace: perServer.map((s) => ({ name: s.address, keys: Number(s.general.get("curr_items") ?? 0), expires: null })),
    usage: { slabs: perServer.flatMap((s) => slabSummary(s.slabs).map((slab) => ({ server: s.address, ...slab, memory: slab.totalPages * SLAB_PAGE_BYTES }))) },
    detail: {
      servers: perServer.map((s) => ({
        address: s.address,
        version: s.general.get("version") ?? null,
        uptimeSeconds: numberOrNull(s.general.get("uptime")),
        currItems: numberOrNull(s.general.get("curr_items")),
        bytes: numberOrNull(s.general.get("bytes")),
        limitMaxbytes: numberOrNull(s.general.get("limit_maxbytes")),
        getHits: numberOrNull(s.general.get("get_hits")),
        getMisses: numberOrNull(s.general.get("get_misses")),
        evictions: numberOrNull(s.general.get("evictions")),
        currConnections: numberOrNull(s.general.get("curr_connections")),
        slabs: slabSummary(s.slabs),
      })),
    },
  };
}

/** memcached allocates slab memory in pages of 1 MiB (its default `-I`/slab page size). */
const SLAB_PAGE_BYTES = 1024 * 1024;

function slabSummary(slabs: Map<string, string>): { id: number; chunkSize: number; usedChunks: number; totalChunks: number; totalPages: number }[] {
  const byId = new Map<number, { id: number; chunkSize: number; usedChunks: number; totalChunks: number; totalPages: number }>();
  for (const [name, value] of slabs) {
    const match = /^(\d+):(chunk_size|used_chunks|total_chunks|total_pages)$/.exec(name);
    if (!match) continue;
    const id = Number(match[1]);
    const row = byId.get(id) ?? { id, chunkSize: 0, usedChunks: 0, totalChunks: 0, totalPages: 0 };
    if (match[2] === "chunk_size") row.chunkSize = Number(value);
    else if (match[2] === "used_chunks") row.usedChunks = Number(value);
    else if (match[2] === "total_pages") row.totalPages = Number(value);
    else row.totalChunks = Number(value);
    byId.set(id, row);
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** `stats NAME` lines `<class>:<field>` grouped per slab class. */
function perClass(stats: Map<string, string>, prefix: RegExp): { id: number; fields: [string, string][] }[] {
  const byId = new Map<number, [string, string][]>();
  for (const [name, value] of stats) {
    const match = prefix.exec(name);
    if (!match) continue;
    const id = Number(match[1]);
    byId.set(id, [...(byId.get(id) ?? []), [match[2], value]]);
  }
  return [...byId].sort((a, b) => a[0] - b[0]).map(([id, fields]) => ({ id, fields }));
}

/** The Server tab's view: `stats`, `stats settings`, `stats slabs` and `stats items` of every server of the pool. */
async function readServerStats(pool: MemcachedPool): Promise<MemcachedServerView[]> {
  return Promise.all(
    pool.connections.map(async (connection): Promise<MemcachedServerView> => {
      try {
        const replies = await connection.send("stats\r\nstats settings\r\nstats slabs\r\nstats items\r\n", ["stats", "stats", "stats", "stats"]);
        replies.forEach((reply) => throwIfError(reply, connection.address));
        const [general, settings, slabs, items] = replies.map((reply) => reply.stats ?? new Map<string, string>());
        return {
          address: connection.address,
          stats: [...general],
          settings: [...settings],
          // `stats slabs` ends with totals (`active_slabs`, `total_malloced`) that belong to no class.
          slabs: perClass(slabs, /^(\d+):(.+)$/),
          items: perClass(items, /^items:(\d+):(.+)$/),
          error: null,
        };
      } catch (error) {
        return { address: connection.address, stats: [], settings: [], slabs: [], items: [], error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}

export function memcachedServerOps(pool: MemcachedPool): ServerOps {
  return {
    nodeChoices: async () => [],
    view: async (view) => {
      if (view !== "memcached") throw new DriverError("UNSUPPORTED", `memcached has no ${view} view`);
      return { view, data: await readServerStats(pool) };
    },
  };
}
