/**
 * Which driver serves which backend kind. Adding a kind is one entry in `entries`: its settings schema,
 * its static capabilities and its factory.
 */
import type { z } from "zod";
import { DriverError } from "./errors";
import { DEFAULT_TIMEOUT_MS } from "./limits";
import { createMemcachedDriver, memcachedCapabilities, memcachedSettingsSchema } from "./memcached";
import {
  createRedisClusterDriver,
  createRedisDriver,
  createRedisSentinelDriver,
  redisCapabilities,
  redisClusterCapabilities,
  redisClusterSettingsSchema,
  redisSentinelCapabilities,
  redisSentinelSettingsSchema,
  redisSettingsSchema,
  redisWithDatabase,
} from "./redis";
import type { Capabilities, Driver, DriverKind } from "./types";
import { createUwsgiDriver, uwsgiCapabilities, uwsgiSettingsSchema } from "./uwsgi";

interface DriverConfig {
  kind: DriverKind;
  /** Non-secret options, validated with the kind's schema. */
  settings: unknown;
  /** Decrypted secrets of the profile (`password`, `sentinelPassword`, `tlsKey`…); each kind reads its own. */
  secrets: Record<string, string>;
  /** Deadline of every call, connecting included. */
  timeoutMs?: number;
  /** Another database than the settings name (`capabilities.databases`). */
  database?: number;
}

interface DriverEntry<Schema extends z.ZodType> {
  settings: Schema;
  capabilities: Capabilities;
  create(settings: z.output<Schema>, secrets: Record<string, string>, timeoutMs: number): Driver;
  /** The settings with another database chosen (kinds whose capabilities have `databases`). */
  withDatabase?(settings: z.output<Schema>, database: number): z.output<Schema>;
}

function entry<Schema extends z.ZodType>(definition: DriverEntry<Schema>): DriverEntry<Schema> {
  return definition;
}

const entries = {
  redis: entry({ settings: redisSettingsSchema, capabilities: redisCapabilities, create: createRedisDriver, withDatabase: redisWithDatabase }),
  "redis-sentinel": entry({
    settings: redisSentinelSettingsSchema,
    capabilities: redisSentinelCapabilities,
    create: createRedisSentinelDriver,
    withDatabase: (settings, db) => ({ ...settings, db }),
  }),
  "redis-cluster": entry({
    settings: redisClusterSettingsSchema,
    capabilities: redisClusterCapabilities,
    create: createRedisClusterDriver,
  }),
  memcached: entry({ settings: memcachedSettingsSchema, capabilities: memcachedCapabilities, create: createMemcachedDriver }),
  uwsgi: entry({ settings: uwsgiSettingsSchema, capabilities: uwsgiCapabilities, create: createUwsgiDriver }),
} satisfies { [K in DriverKind]?: DriverEntry<z.ZodType> };

type RegisteredKind = keyof typeof entries;

/** Settings schema per registered kind, for the connection form. */
export const settingsSchemas: { [K in RegisteredKind]: (typeof entries)[K]["settings"] } = Object.fromEntries(
  Object.entries(entries).map(([kind, e]) => [kind, e.settings]),
) as { [K in RegisteredKind]: (typeof entries)[K]["settings"] };

function lookup(kind: DriverKind): DriverEntry<z.ZodType> {
  const found = (entries as { [K in DriverKind]?: DriverEntry<z.ZodType> })[kind];
  if (!found) throw new DriverError("UNSUPPORTED", `No driver for ${kind} connections`);
  return found;
}

/** What a kind can do, without connecting. */
export function driverCapabilities(kind: DriverKind): Capabilities {
  return lookup(kind).capabilities;
}

/** Validates the settings (`INVALID_ARGUMENT` with the zod messages) and builds a lazily connecting driver. */
export function createDriver(config: DriverConfig): Driver {
  const e = lookup(config.kind);
  const parsed = e.settings.safeParse(config.settings);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "settings"}: ${issue.message}`).join("; ");
    throw new DriverError("INVALID_ARGUMENT", `Invalid ${config.kind} settings: ${detail}`, { cause: parsed.error });
  }
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new DriverError("INVALID_ARGUMENT", "The timeout must be positive");
  let settings = parsed.data;
  if (config.database !== undefined) {
    if (!e.withDatabase || !Number.isSafeInteger(config.database) || config.database < 0) {
      throw new DriverError("UNSUPPORTED", `A ${config.kind} connection cannot switch to database ${config.database}`);
    }
    settings = e.withDatabase(settings, config.database);
  }
  return e.create(settings, config.secrets, timeoutMs);
}
