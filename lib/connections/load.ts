import "server-only";
import { db, type ConnectionProfile } from "../db";
import { createDriver } from "../drivers/registry";
import type { Driver, DriverKind } from "../drivers/types";
import { openSecrets } from "../secrets";

/** A profile as the browser may see it: no secret values, only which secrets are set. */
export interface PublicProfile {
  id: string;
  name: string;
  kind: DriverKind;
  settings: Record<string, unknown>;
  secretsSet: string[];
  readOnly: boolean;
  environment: string;
  color: string | null;
  keyDelimiter: string;
  defaultFormat: string;
  formatOverrides: { prefix: string; format: string }[];
  timeoutMs: number;
  managed: boolean;
}

export interface LoadedConnection {
  profile: PublicProfile;
  /** The pooled driver for this profile; created on first use, replaced when the profile changes. */
  driver(): Driver;
}

export function toPublicProfile(row: ConnectionProfile): PublicProfile {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DriverKind,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    secretsSet: Object.keys(openSecrets(row.secret)),
    readOnly: row.readOnly,
    environment: row.environment,
    color: row.color,
    keyDelimiter: row.keyDelimiter,
    defaultFormat: row.defaultFormat,
    formatOverrides: JSON.parse(row.formatOverrides) as { prefix: string; format: string }[],
    timeoutMs: row.timeoutMs,
    managed: row.managed,
  };
}

interface Pooled {
  version: number;
  driver: Driver;
}

const holder = globalThis as unknown as { cacheboardDrivers?: Map<string, Pooled> };
const pool = (holder.cacheboardDrivers ??= new Map());

function pooledDriver(row: ConnectionProfile): Driver {
  const version = row.updatedAt.getTime();
  const existing = pool.get(row.id);
  if (existing && existing.version === version) return existing.driver;
  if (existing) void existing.driver.dispose().catch(() => undefined);
  const driver = createDriver({
    kind: row.kind as DriverKind,
    settings: JSON.parse(row.settings),
    secrets: openSecrets(row.secret),
    timeoutMs: row.timeoutMs,
  });
  pool.set(row.id, { version, driver });
  return driver;
}

export async function loadConnection(id: string): Promise<LoadedConnection | null> {
  const row = await db().connectionProfile.findUnique({ where: { id } });
  if (!row) return null;
  return { profile: toPublicProfile(row), driver: () => pooledDriver(row) };
}

export async function disposeConnection(id: string): Promise<void> {
  const existing = pool.get(id);
  pool.delete(id);
  await existing?.driver.dispose();
}
