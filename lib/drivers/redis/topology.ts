/**
 * Where the data of a Redis deployment lives: a cluster's nodes with their slot ranges, keys and memory, the
 * node a key's slot maps to, the primaries a Sentinel watches, and a standalone server's databases with
 * their key counts.
 */
import { Cluster, type Redis } from "ioredis";
import { DriverError } from "../errors";
import type { ClusterNode, DatabasesReply, KeyNodeAnswer, NodeChoice, NodesView, SentinelMaster, SentinelView } from "../../wire/server";
import { nodeAddressOf, type Client, type RedisConnection } from "./client";
import { num, text, type Reply } from "./replies";
import { parseInfo } from "./scripts";

const SLOTS = 16384;

interface ParsedNode {
  id: string;
  address: string;
  flags: string[];
  primaryId: string | null;
  linkState: string;
  slots: [number, number][];
}

/** CLUSTER NODES: `<id> <ip:port@cport[,hostname]> <flags> <primary> <ping> <pong> <epoch> <link> <slot>…`. */
function parseClusterNodes(listing: string): ParsedNode[] {
  return listing
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => {
      const parts = line.trim().split(" ");
      const slots: [number, number][] = [];
      // A migrating or importing slot is `[slot->-id]` / `[slot-<-id]`: still served by this node's own ranges.
      for (const range of parts.slice(8)) {
        if (range.startsWith("[")) continue;
        const [from, to] = range.split("-").map(Number);
        slots.push([from, to ?? from]);
      }
      return {
        id: parts[0],
        address: parts[1].split("@")[0],
        flags: parts[2].split(",").filter((flag) => flag !== "myself"),
        primaryId: parts[3] === "-" ? null : parts[3],
        linkState: parts[7] ?? "",
        slots: slots.sort((a, b) => a[0] - b[0]),
      };
    });
}

function roleOf(flags: string[]): "primary" | "replica" {
  return flags.includes("master") ? "primary" : "replica";
}

function requireCluster(client: Client): Cluster {
  if (!(client instanceof Cluster)) throw new DriverError("UNSUPPORTED", "Only a Redis Cluster has nodes and slots");
  return client;
}

async function clusterNodes(connection: RedisConnection, cluster: Cluster): Promise<ParsedNode[]> {
  return parseClusterNodes(text(await connection.call(connection.primaries(cluster)[0], "CLUSTER", "NODES")));
}

/** Nodes a per-node view can read: primaries first, then replicas, each by address. */
export function nodeChoices(connection: RedisConnection, client: Client): NodeChoice[] {
  if (!(client instanceof Cluster)) return [];
  const order = (nodes: Redis[]) => nodes.map(nodeAddressOf).sort((a, b) => a.localeCompare(b));
  return [
    ...order(client.nodes("master")).map((address) => ({ address, role: "primary" as const })),
    ...order(client.nodes("slave")).map((address) => ({ address, role: "replica" as const })),
  ];
}

/** Every node with its slot ranges, and DBSIZE and used_memory from the node itself. */
export async function readNodes(connection: RedisConnection, client: Client): Promise<NodesView> {
  const cluster = requireCluster(client);
  const parsed = await clusterNodes(connection, cluster);
  const reachable = new Map(cluster.nodes("all").map((node) => [nodeAddressOf(node), node]));
  const nodes: ClusterNode[] = await Promise.all(
    parsed.map(async (node) => {
      const base = { ...node, role: roleOf(node.flags), keys: null, usedMemory: null };
      const redis = reachable.get(node.address);
      if (!redis) return { ...base, error: "not connected from here (the cluster did not list it to the client)" };
      try {
        const [size, memory] = await Promise.all([connection.call(redis, "DBSIZE"), connection.call(redis, "INFO", "memory")]);
        return { ...base, keys: num(size), usedMemory: Number(parseInfo(text(memory)).get("used_memory") ?? NaN), error: null };
      } catch (error) {
        return { ...base, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  nodes.sort((a, b) => (a.role === b.role ? (a.slots[0]?.[0] ?? SLOTS) - (b.slots[0]?.[0] ?? SLOTS) || a.address.localeCompare(b.address) : a.role === "primary" ? -1 : 1));
  const slotsCovered = nodes
    .filter((node) => node.role === "primary")
    .reduce((sum, node) => sum + node.slots.reduce((n, [from, to]) => n + to - from + 1, 0), 0);
  return { nodes, slotsCovered };
}

/** CLUSTER KEYSLOT asked of the cluster, then the slot looked up in CLUSTER NODES. */
export async function keyNode(connection: RedisConnection, client: Client, key: Buffer): Promise<KeyNodeAnswer> {
  const cluster = requireCluster(client);
  const first = connection.primaries(cluster)[0];
  const [slotReply, listing] = await Promise.all([connection.call(first, "CLUSTER", "KEYSLOT", key), connection.call(first, "CLUSTER", "NODES")]);
  const slot = num(slotReply);
  const nodes = parseClusterNodes(text(listing));
  const primary = nodes.find((node) => roleOf(node.flags) === "primary" && node.slots.some(([from, to]) => slot >= from && slot <= to));
  return {
    slot,
    primary: primary?.address ?? null,
    replicas: primary ? nodes.filter((node) => node.primaryId === primary.id).map((node) => node.address) : [],
  };
}

/** A flat `field value …` reply (SENTINEL MASTERS and friends) as a map. */
function fieldsOf(reply: Reply): Map<string, string> {
  const flat = reply as Reply[];
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(text(flat[i]), text(flat[i + 1]));
  return fields;
}

const addressOf = (fields: Map<string, string>) => `${fields.get("ip") ?? "?"}:${fields.get("port") ?? "?"}`;
const flagsOf = (fields: Map<string, string>) => (fields.get("flags") ?? "").split(",").filter(Boolean);

export async function readSentinel(connection: RedisConnection): Promise<SentinelView> {
  return connection.onSentinel(async (sentinel, askedSentinel) => {
    const call = (...args: string[]) => connection.call(sentinel, "SENTINEL", ...args) as Promise<Reply[]>;
    const masters = (await call("MASTERS")).map(fieldsOf);
    const views: SentinelMaster[] = await Promise.all(
      masters.map(async (master) => {
        const name = master.get("name") ?? "";
        const [replicas, sentinels] = await Promise.all([call("REPLICAS", name), call("SENTINELS", name)]);
        return {
          name,
          address: addressOf(master),
          flags: flagsOf(master),
          quorum: master.has("quorum") ? Number(master.get("quorum")) : null,
          replicas: replicas.map(fieldsOf).map((r) => ({
            address: addressOf(r),
            flags: flagsOf(r),
            linkStatus: r.get("master-link-status") ?? "",
            offset: r.get("slave-repl-offset") ?? "",
          })),
          sentinels: [
            { address: askedSentinel, flags: ["sentinel", "asked"] },
            ...sentinels.map(fieldsOf).map((s) => ({ address: addressOf(s), flags: flagsOf(s) })),
          ],
        };
      }),
    );
    return { askedSentinel, masters: views };
  });
}

/** Databases 0…N-1 (CONFIG GET databases; 16 when the user may not read it) with INFO keyspace counts. */
export async function readDatabases(connection: RedisConnection, client: Client): Promise<DatabasesReply> {
  const node = connection.nodeAt(client);
  const [config, keyspace] = await Promise.all([
    (connection.call(node, "CONFIG", "GET", "databases") as Promise<Reply[]>).catch(() => [] as Reply[]),
    connection.call(node, "INFO", "keyspace"),
  ]);
  const count = config.length >= 2 ? num(config[1]) : 16;
  const info = parseInfo(text(keyspace));
  const databases = Array.from({ length: Number.isSafeInteger(count) && count > 0 ? count : 16 }, (_, index) => {
    const fields = Object.fromEntries((info.get(`db${index}`) ?? "").split(",").map((part) => part.split("=")));
    return { index, keys: Number(fields.keys ?? 0), expires: Number(fields.expires ?? 0) };
  });
  return { profileDb: connection.profileDb, databases };
}
