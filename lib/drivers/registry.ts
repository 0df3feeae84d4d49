/**
 * Which driver serves which backend kind. Every driver is built the same way (`DriverFactory` in `types.ts`):
 * the kind's descriptor (`lib/kinds/`) parses the settings once, here, and the timeout defaults here, from
 * `limits.ts`. Adding a kind is its folder, its descriptor, and one line in `FACTORIES`.
 */
import { kindOf, parseSettings } from "../kinds";
import { DriverError } from "./errors";
import { DEFAULT_TIMEOUT_MS } from "./limits";
import { createMemcachedDriver } from "./memcached";
import { createRedisClusterDriver, createRedisDriver, createRedisSentinelDriver, redisWithDatabase } from "./redis";
import type { Capabilities, Driver, DriverFactory, DriverKind } from "./types";
import { createUwsgiDriver } from "./uwsgi";

export interface DriverConfig {
  kind: DriverKind;
  /** Non-secret options, as stored: validated here with the kind's schema. */
  settings: unknown;
  /** Decrypted secrets of the profile (`password`, `sentinelPassword`, `tlsKey`…); each kind reads its own. */
  secrets: Record<string, string>;
  /** Deadline of every call, connecting included; `DEFAULT_TIMEOUT_MS` when absent. */
  timeoutMs?: number;
  /** Another database than the settings name (kinds whose capabilities have `databases`). */
  database?: number;
}

/** Each factory takes its own kind's settings; `createDriver` hands it what that kind's schema parsed. */
const FACTORIES: Record<DriverKind, DriverFactory<never>> = {
  redis: createRedisDriver,
  "redis-sentinel": createRedisSentinelDriver,
  "redis-cluster": createRedisClusterDriver,
  memcached: createMemcachedDriver,
  uwsgi: createUwsgiDriver,
};

/** The settings with another database chosen, for the kinds that have numbered databases. */
const WITH_DATABASE: Partial<Record<DriverKind, (settings: never, db: number) => Record<string, unknown>>> = {
  redis: redisWithDatabase,
  "redis-sentinel": (settings: Record<string, unknown>, db: number) => ({ ...settings, db }),
};

function factoryOf(kind: DriverKind): DriverFactory<never> {
  const found = (FACTORIES as Partial<Record<string, DriverFactory<never>>>)[kind];
  if (!found) throw new DriverError("UNSUPPORTED", `No driver for ${kind} connections`);
  return found;
}

/** The settings parsed by the kind's schema; `INVALID_ARGUMENT` with the zod messages when they do not fit. */
function parsed(kind: DriverKind, settings: unknown): Record<string, unknown> {
  const result = parseSettings(kind, settings);
  if (!result.success) {
    const detail = result.error.issues.map((issue) => `${issue.path.join(".") || "settings"}: ${issue.message}`).join("; ");
    throw new DriverError("INVALID_ARGUMENT", `Invalid ${kind} settings: ${detail}`, { cause: result.error });
  }
  return result.data;
}

/** What a driver for this profile can do, without connecting (limits that follow the settings included). */
export function driverCapabilities(kind: DriverKind, settings: unknown): Capabilities {
  factoryOf(kind);
  return kindOf(kind).capabilities(parsed(kind, settings));
}

/** Validates the settings (`INVALID_ARGUMENT` with the zod messages) and builds a lazily connecting driver. */
export function createDriver(config: DriverConfig): Driver {
  const create = factoryOf(config.kind);
  let settings = parsed(config.kind, config.settings);
  if (config.database !== undefined) {
    const withDatabase = WITH_DATABASE[config.kind];
    if (!withDatabase || !Number.isSafeInteger(config.database) || config.database < 0) {
      throw new DriverError("UNSUPPORTED", `A ${config.kind} connection cannot switch to database ${config.database}`);
    }
    settings = withDatabase(settings as never, config.database);
  }
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new DriverError("INVALID_ARGUMENT", "The timeout must be positive");
  return create({ settings: settings as never, secrets: config.secrets, timeoutMs });
}
