/**
 * What the Server tab's views receive: the server's own diagnostics (Redis SLOWLOG, CLIENT LIST, INFO, CONFIG,
 * LATENCY, MEMORY STATS, cluster and Sentinel topology; memcached's stats per server; uWSGI's cache section).
 * Bytes the server echoes back from its clients (command arguments, client names) travel as base64 and are
 * shown with `keyText`. Client-safe: no server imports.
 */

/** The views a backend offers, in the order the Server tab shows them (`capabilities.serverViews`). */
export const SERVER_VIEWS = ["nodes", "sentinel", "info", "slowlog", "clients", "config", "latency", "memory", "memcached", "uwsgi"] as const;
export type ServerView = (typeof SERVER_VIEWS)[number];

export const SERVER_VIEW_LABELS: Record<ServerView, string> = {
  nodes: "Nodes",
  sentinel: "Sentinel",
  info: "INFO",
  slowlog: "Slow log",
  clients: "Clients",
  config: "Config",
  latency: "Latency",
  memory: "Memory",
  memcached: "Stats",
  uwsgi: "Caches",
};

interface SlowlogEntry {
  id: number;
  /** Unix time in seconds. */
  at: number;
  durationUs: number;
  /** The command and its arguments as base64 (Redis keeps at most 32 and cuts each at 128 bytes). */
  args: string[];
  client: string;
  clientName: string;
}

export interface SlowlogView {
  entries: SlowlogEntry[];
  /** Entries the server holds (SLOWLOG LEN); `entries` are the newest of them. */
  length: number;
  /** `slowlog-log-slower-than` in µs (negative: off) and `slowlog-max-len`, when CONFIG GET is allowed. */
  thresholdUs: number | null;
  maxLength: number | null;
}

/** One CLIENT LIST line: `id`, `addr`, `name`, `age`, `idle`, `flags`, `db`, `cmd`, `user` and the rest as given. */
export interface ClientRow {
  id: string;
  fields: Record<string, string>;
  /** The client name as base64 (a name can be any bytes). */
  name: string;
}

export interface InfoSection {
  name: string;
  fields: { name: string; value: string }[];
}

export interface ConfigEntry {
  name: string;
  value: string;
  /** A secret (a password) the view does not show. */
  redacted: boolean;
}

interface LatencyEvent {
  event: string;
  latestAt: number;
  latestMs: number;
  maxMs: number;
  history: { at: number; ms: number }[];
}

export interface LatencyView {
  /** `latency-monitor-threshold` in ms; 0 means the monitor is off. Null when CONFIG GET is not allowed. */
  thresholdMs: number | null;
  doctor: string;
  events: LatencyEvent[];
}

export interface MemoryStatsView {
  /** MEMORY STATS flattened: nested maps become `db.0.overhead.hashtable.main` and the like. */
  fields: { name: string; value: string }[];
}

/** Which node of a Redis deployment a per-node view reads (a cluster has several). */
export interface NodeChoice {
  address: string;
  role: "primary" | "replica";
}

export interface ClusterNode {
  id: string;
  address: string;
  role: "primary" | "replica";
  /** Node id of the primary this replica follows. */
  primaryId: string | null;
  flags: string[];
  linkState: string;
  /** Inclusive slot ranges. */
  slots: [number, number][];
  keys: number | null;
  usedMemory: number | null;
  /** Why `keys` and `usedMemory` are missing (the node did not answer). */
  error: string | null;
}

export interface NodesView {
  nodes: ClusterNode[];
  /** Slots assigned to some primary, out of 16384. */
  slotsCovered: number;
}

export interface KeyNodeAnswer {
  slot: number;
  /** The primary serving the slot, and the replicas following it. */
  primary: string | null;
  replicas: string[];
}

export interface SentinelMaster {
  name: string;
  /** Where the sentinels say the primary is now. */
  address: string;
  flags: string[];
  quorum: number | null;
  replicas: { address: string; flags: string[]; linkStatus: string; offset: string }[];
  sentinels: { address: string; flags: string[] }[];
}

export interface SentinelView {
  /** The sentinel that answered. */
  askedSentinel: string;
  masters: SentinelMaster[];
}

export interface MemcachedServerView {
  address: string;
  stats: [string, string][];
  settings: [string, string][];
  /** `stats slabs` and `stats items` per slab class, field name → value. */
  slabs: { id: number; fields: [string, string][] }[];
  items: { id: number; fields: [string, string][] }[];
  /** Set when this server of the pool did not answer; the others are still shown. */
  error: string | null;
}

export interface UwsgiCacheView {
  /** Each cache as the stats server describes it: name, items, hits, miss, full, blocks, blocksize… */
  caches: Record<string, string | number | boolean | null>[];
  /** Why nothing is shown: no stats server configured. */
  missing: string | null;
}

/** The route's reply, one shape per view. */
export type ServerViewReply =
  | { view: "slowlog"; data: SlowlogView }
  | { view: "clients"; data: ClientRow[] }
  | { view: "info"; data: InfoSection[] }
  | { view: "config"; data: ConfigEntry[] }
  | { view: "latency"; data: LatencyView }
  | { view: "memory"; data: MemoryStatsView }
  | { view: "nodes"; data: NodesView }
  | { view: "sentinel"; data: SentinelView }
  | { view: "memcached"; data: MemcachedServerView[] }
  | { view: "uwsgi"; data: UwsgiCacheView };

/** A database of a Redis server, for the db switcher. */
interface DatabaseEntry {
  index: number;
  keys: number;
  expires: number;
}

export interface DatabasesReply {
  /** The profile's own database (what the connection browses without a choice). */
  profileDb: number;
  databases: DatabaseEntry[];
}
