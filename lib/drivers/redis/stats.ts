/** Server statistics of the Redis driver, from INFO on every primary. */
import type { ServerStats } from "../types";
import { nodeAddressOf, type RedisConnection } from "./client";
import { text } from "./replies";
import { parseInfo } from "./scripts";

/** INFO of every primary, summed: memory, clients, hits, misses, evictions, commands and keys per db. */
export async function readStats(connection: RedisConnection): Promise<ServerStats> {
  return connection.run(async (client) => {
    const nodes = connection.primaries(client);
    const infos = await Promise.all(nodes.map(async (node) => parseInfo(text(await connection.call(node, "INFO")))));
    const first = infos[0];
    const sum = (field: string): number | null => {
      const values = infos.map((info) => info.get(field)).filter((v): v is string => v !== undefined);
      return values.length === 0 ? null : values.reduce((total, v) => total + Number(v), 0);
    };
    const one = (field: string): number | null => {
      const v = first.get(field);
      return v === undefined ? null : Number(v);
    };
    const keyspace = new Map<string, { keys: number; expires: number }>();
    for (const info of infos) {
      for (const [name, value] of info) {
        if (!/^db\d+$/.test(name)) continue;
        const fields = Object.fromEntries(value.split(",").map((part) => part.split("=")));
        const entry = keyspace.get(name) ?? { keys: 0, expires: 0 };
        entry.keys += Number(fields.keys ?? 0);
        entry.expires += Number(fields.expires ?? 0);
        keyspace.set(name, entry);
      }
    }
    const maxMemory = sum("maxmemory");
    return {
      version: first.get("redis_version") ?? null,
      uptimeSeconds: one("uptime_in_seconds"),
      memory: {
        used: sum("used_memory"),
        peak: sum("used_memory_peak"),
        max: maxMemory === 0 ? null : maxMemory,
        fragmentationRatio: one("mem_fragmentation_ratio"),
        policy: first.get("maxmemory_policy") ?? null,
      },
      connectedClients: sum("connected_clients"),
      hits: sum("keyspace_hits"),
      misses: sum("keyspace_misses"),
      evictions: sum("evicted_keys"),
      totalCommands: sum("total_commands_processed"),
      opsPerSec: sum("instantaneous_ops_per_sec"),
      keyspace: [...keyspace].map(([name, v]) => ({ name, ...v })),
      detail: {
        mode: first.get("redis_mode") ?? null,
        role: first.get("role") ?? null,
        nodes: nodes.map((node, i) => ({
          address: nodeAddressOf(node),
          role: infos[i].get("role") ?? null,
          usedMemory: Number(infos[i].get("used_memory") ?? 0),
          keys: Number(/keys=(\d+)/.exec(infos[i].get("db0") ?? "")?.[1] ?? 0),
        })),
      },
    };
  });
}

/**
 * CPU seconds each primary's main thread has used since it started (INFO cpu: `used_cpu_sys_main_thread` +
 * `used_cpu_user_main_thread`, or the whole process's `used_cpu_sys` + `used_cpu_user` where the server
 * does not split them), by node address. A node whose INFO says neither is left out.
 */
export async function readCpuSeconds(connection: RedisConnection): Promise<Record<string, number>> {
  return connection.run(async (client) => {
    const nodes = connection.primaries(client);
    const infos = await Promise.all(nodes.map(async (node) => parseInfo(text(await connection.call(node, "INFO", "cpu")))));
    const seconds: Record<string, number> = {};
    infos.forEach((info, i) => {
      const pair = (sys: string, user: string) => (info.has(sys) && info.has(user) ? Number(info.get(sys)) + Number(info.get(user)) : null);
      const used = pair("used_cpu_sys_main_thread", "used_cpu_user_main_thread") ?? pair("used_cpu_sys", "used_cpu_user");
      if (used !== null && Number.isFinite(used)) seconds[nodeAddressOf(nodes[i])] = used;
    });
    return seconds;
  });
}
