/**
 * What the connection form and the server agree on, without importing any driver: the kinds, their secret
 * names, environments and value formats. Pure, so client components import it too.
 */
import type { DriverKind } from "../drivers/types";

export const KINDS: { kind: DriverKind; label: string }[] = [
  { kind: "redis", label: "Redis" },
  { kind: "redis-sentinel", label: "Redis Sentinel" },
  { kind: "redis-cluster", label: "Redis Cluster" },
  { kind: "memcached", label: "Memcached" },
  { kind: "uwsgi", label: "uWSGI cache" },
];

export function kindLabel(kind: string): string {
  return KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

/** The secrets each kind's driver reads from the profile; anything else is dropped on save. */
export const SECRET_NAMES: Record<DriverKind, readonly string[]> = {
  redis: ["password", "tlsKey"],
  "redis-sentinel": ["password", "sentinelPassword", "tlsKey"],
  "redis-cluster": ["password", "tlsKey"],
  memcached: ["password"],
  uwsgi: [],
};

export const SECRET_LABELS: Record<string, string> = {
  password: "Password",
  sentinelPassword: "Sentinel password",
  tlsKey: "TLS client key (PEM)",
};

export const ENVIRONMENT_NAMES = ["development", "staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Colour of the environment tag when the profile sets none. */
export const ENVIRONMENT_COLORS: Record<EnvironmentName, string> = {
  development: "#10b981",
  staging: "#f59e0b",
  production: "#ef4444",
};

export const VALUE_FORMATS = ["auto", "pickle", "json", "msgpack", "repr", "counter", "int64", "text", "binary"] as const;
