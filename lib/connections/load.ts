import "server-only";
import { db, type ConnectionProfile } from "../db";
import { createDriver, driverCapabilities, type DriverConfig } from "../drivers/registry";
import type { Driver, DriverKind } from "../drivers/types";
import { DriverError } from "../drivers/errors";
import { cachedRead } from "../read-cache";
import { tryOpenSecrets } from "../secrets";
import { connectionRef, parseConnectionRef } from "../wire/connection-ref";
import { kindOf } from "../kinds";
import { resolveScanPace, type ScanPace } from "./scan-pace";

/** A profile as the browser may see it: no secret values, only which secrets are set. */
export interface PublicProfile {
  id: string;
  name: string;
  kind: DriverKind;
  settings: Record<string, unknown>;
  secretsSet: string[];
  /** The stored secrets cannot be opened with the current key: shown as "secret unreadable — re-enter it". */
  secretsUnreadable: boolean;
  readOnly: boolean;
  environment: string;
  color: string | null;
  keyDelimiter: string;
  defaultFormat: string;
  formatOverrides: { prefix: string; format: string }[];
  timeoutMs: number;
  managed: boolean;
  /** Deny-listed console commands this connection opens to admins. */
  consoleAllow: string[];
  /** The profile's own scan pace (./scan-pace.ts); null: the default. */
  scanCount: number | null;
  scanPauseMs: number | null;
}

export interface LoadedConnection {
  profile: PublicProfile;
  /** The database chosen with the db switcher (`<id>~<db>`); null for the profile's own. */
  db: number | null;
  /**
   * What per-keyspace state (the namespace index, jobs) is kept under: the profile id, or `<id>~<db>` when a
   * database was chosen, so two databases of one server never share an index.
   */
  scope: string;
  /** The pace of every walk over the whole keyspace, resolved from the profile, the environment and the defaults. */
  scanPace: ScanPace;
  /** The pooled driver for this profile (and database); created on first use, replaced when the profile changes. */
  driver(): Driver;
  /**
   * What that driver is built from, for a walk that opens its own driver in another thread (see
   * lib/server/keys/tree-walker.ts); null when the profile's secrets cannot be opened.
   */
  driverConfig(): DriverConfig | null;
}

export function toPublicProfile(row: ConnectionProfile): PublicProfile {
  const secrets = tryOpenSecrets(row.secret);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DriverKind,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    secretsSet: Object.keys(secrets ?? {}),
    secretsUnreadable: secrets === null,
    readOnly: row.readOnly,
    environment: row.environment,
    color: row.color,
    keyDelimiter: row.keyDelimiter,
    defaultFormat: row.defaultFormat,
    formatOverrides: JSON.parse(row.formatOverrides) as { prefix: string; format: string }[],
    timeoutMs: row.timeoutMs,
    managed: row.managed,
    consoleAllow: JSON.parse(row.consoleAllow) as string[],
    scanCount: row.scanCount,
    scanPauseMs: row.scanPauseMs,
  };
}

interface Pooled {
  version: number;
  driver: Driver;
}

const holder = globalThis as unknown as { cacheboardDrivers?: Map<string, Pooled> };
const pool = (holder.cacheboardDrivers ??= new Map());

/**
 * Stands in for the driver of a profile whose secrets cannot be opened: it knows its kind and capabilities
 * and answers every call with SECRET_UNREADABLE, so each route and action reports that instead of failing.
 */
function unreadableSecretDriver(row: ConnectionProfile): Driver {
  const refuse = async () => {
    throw new DriverError("SECRET_UNREADABLE", `The stored secret of "${row.name}" cannot be decrypted with the current secret key; an admin must re-enter it.`);
  };
  const refusing = new Proxy({}, { get: () => refuse });
  const known = { kind: row.kind, capabilities: driverCapabilities(row.kind as DriverKind, JSON.parse(row.settings)), collections: refusing, server: refusing, dispose: async () => undefined };
  return new Proxy(known, { get: (target, name) => (name in target ? target[name as keyof typeof target] : name === "then" ? undefined : refuse) }) as unknown as Driver;
}

function pooledDriver(row: ConnectionProfile, database: number | null): Driver {
  const version = row.updatedAt.getTime();
  const slot = connectionRef(row.id, database);
  const existing = pool.get(slot);
  if (existing && existing.version === version) return existing.driver;
  const config = driverConfigOf(row, database);
  if (!config) return unreadableSecretDriver(row);
  if (existing) void existing.driver.dispose().catch(() => undefined);
  const driver = createDriver(config);
  pool.set(slot, { version, driver });
  return driver;
}

function driverConfigOf(row: ConnectionProfile, database: number | null): DriverConfig | null {
  const secrets = tryOpenSecrets(row.secret);
  if (!secrets) return null;
  return { kind: row.kind as DriverKind, settings: JSON.parse(row.settings), secrets, timeoutMs: row.timeoutMs, database: database ?? undefined };
}

/**
 * The profile and pooled driver of a connection. Memoised across the requests of a burst (opening keys,
 * paging, polling); any write to a profile drops the memo (../read-cache), so an edit is seen at once.
 */
export async function loadConnection(ref: string): Promise<LoadedConnection | null> {
  const { id, db: chosen } = parseConnectionRef(ref);
  return cachedRead("connections", ref, async () => {
    const row = await db().connectionProfile.findUnique({ where: { id } });
    if (!row) return null;
    const profile = toPublicProfile(row);
    // A database can only be chosen where the server has numbered ones; elsewhere the name matches nothing.
    if (chosen !== null && !driverCapabilities(profile.kind, profile.settings).databases) return null;
    const scanPace = resolveScanPace(profile, { paced: kindOf(profile.kind).pacedScan, env: process.env });
    return { profile, db: chosen, scope: connectionRef(row.id, chosen), scanPace, driver: () => pooledDriver(row, chosen), driverConfig: () => driverConfigOf(row, chosen) };
  });
}

/** Disposes the profile's drivers: its own and those of databases chosen with the db switcher. */
export async function disposeConnection(id: string): Promise<void> {
  const slots = [...pool.keys()].filter((slot) => parseConnectionRef(slot).id === id);
  const drivers = slots.map((slot) => pool.get(slot)?.driver);
  for (const slot of slots) pool.delete(slot);
  await Promise.all(drivers.map((driver) => driver?.dispose()));
}
