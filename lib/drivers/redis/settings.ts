/**
 * What a Redis profile holds (standalone, Sentinel, Cluster), the secrets it reads, and what the Redis kinds
 * can do. Validated once, by the kind's schema (`lib/kinds/`), before a driver is built. Pure.
 */
import { z } from "zod";
import type { Capabilities } from "../types";

const tlsSettings = z.object({
  enabled: z.boolean().default(true),
  /** PEM of the CA that signed the server certificate; the system store when absent. */
  ca: z.string().optional(),
  /** PEM client certificate for mutual TLS (its key is the `tlsKey` secret). */
  cert: z.string().optional(),
  /** Server name for SNI and certificate checks, when it differs from the host. */
  servername: z.string().optional(),
  /** Verify the server certificate and host name. Off only for self-signed test servers. */
  verify: z.boolean().default(true),
});
export type TlsSettings = z.infer<typeof tlsSettings>;

const nodeAddress = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

const redisUrl = z
  .string()
  .refine((value) => /^rediss?:\/\//.test(value), "Use a redis:// or rediss:// URL")
  .refine((value) => {
    try {
      return new URL(value).password === "";
    } catch {
      return false;
    }
  }, "Put the password in the password field, not in the URL");

export const redisSettingsSchema = z.object({
  /** `redis://[user@]host:port/db` or `rediss://…`; overrides host, port, db, username and turns TLS on. */
  url: redisUrl.optional(),
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(1).max(65535).default(6379),
  db: z.number().int().min(0).default(0),
  /** ACL user (Redis 6+); the password is the `password` secret. */
  username: z.string().optional(),
  tls: tlsSettings.optional(),
});
export type RedisSettings = z.infer<typeof redisSettingsSchema>;

/** The settings with database `db` chosen; a URL's path names the database too, so it is rewritten as well. */
export function redisWithDatabase(settings: RedisSettings, db: number): RedisSettings {
  if (!settings.url) return { ...settings, db };
  const url = new URL(settings.url);
  url.pathname = `/${db}`;
  return { ...settings, db, url: url.toString() };
}

export const redisSentinelSettingsSchema = z.object({
  masterName: z.string().min(1),
  sentinels: z.array(nodeAddress).min(1),
  db: z.number().int().min(0).default(0),
  username: z.string().optional(),
  /** ACL user on the sentinels; their password is the `sentinelPassword` secret. */
  sentinelUsername: z.string().optional(),
  /** TLS towards the primary and replicas. */
  tls: tlsSettings.optional(),
  /** Also use `tls` towards the sentinels. */
  sentinelTls: z.boolean().default(false),
});
export type RedisSentinelSettings = z.infer<typeof redisSentinelSettingsSchema>;

export const redisClusterSettingsSchema = z.object({
  /** Any reachable nodes; the rest of the cluster is discovered from them. */
  nodes: z.array(nodeAddress).min(1),
  username: z.string().optional(),
  tls: tlsSettings.optional(),
});
export type RedisClusterSettings = z.infer<typeof redisClusterSettingsSchema>;

/** Secrets the Redis kinds read from the connection profile. */
export interface RedisSecrets {
  password?: string;
  sentinelPassword?: string;
  /** PEM private key of the TLS client certificate. */
  tlsKey?: string;
}

/** Which Redis deployment a driver talks to, with its validated settings. */
export type Topology =
  | { kind: "redis"; settings: RedisSettings }
  | { kind: "redis-sentinel"; settings: RedisSentinelSettings }
  | { kind: "redis-cluster"; settings: RedisClusterSettings };

/** Largest key or value Redis takes (its default `proto-max-bulk-len`). */
export const MAX_BULK = 512 * 1024 * 1024;

export const redisCapabilities: Capabilities = {
  listKeys: true,
  types: true,
  ttl: true,
  persist: true,
  keepTtl: true,
  counters: true,
  floatCounters: true,
  negativeCounters: true,
  atomicCounters: true,
  namespaceDelete: true,
  namespaceExpire: true,
  atomicExpireIfNoTtl: true,
  cas: true,
  rename: true,
  rangeRead: true,
  dumpRestore: true,
  flush: true,
  maxKeyBytes: null,
  maxValueBytes: MAX_BULK,
  emptyValues: true,
  serverViews: ["info", "slowlog", "clients", "config", "latency", "memory"],
  databases: true,
};

/** Sentinel adds its view of the monitored primaries; the data views read the current primary. */
export const redisSentinelCapabilities: Capabilities = { ...redisCapabilities, serverViews: ["sentinel", ...redisCapabilities.serverViews] };

/** A cluster has only database 0; its node view comes first, and the other views read one node at a time. */
export const redisClusterCapabilities: Capabilities = { ...redisCapabilities, serverViews: ["nodes", ...redisCapabilities.serverViews], databases: false };
