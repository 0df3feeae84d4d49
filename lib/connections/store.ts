import "server-only";
import { db, type ConnectionProfile } from "../db";
import { createDriver } from "../drivers/registry";
import type { PingResult } from "../drivers/types";
import { Refusal } from "../server/refusal";
import { sealSecrets, tryOpenSecrets } from "../secrets";
import { kindOf } from "../kinds";
import { disposeConnection } from "./load";
import { stopSampler } from "../stats/sampler";
import type { ProfileFields } from "./profile-input";

/**
 * Applies the form's secret changes to the stored ones: absent keeps, "" clears, text replaces. Secrets the
 * kind does not read are dropped, so switching a profile from Redis to uWSGI does not keep a dead password.
 */
export function mergeSecrets(kind: ProfileFields["kind"], stored: Record<string, string>, changes: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const { name } of kindOf(kind).secrets) {
    const change = changes[name];
    const value = change === undefined ? stored[name] : change;
    if (value) merged[name] = value;
  }
  return merged;
}

/** Settings that decide where a secret is sent and whether the peer is verified first. */
const DESTINATION_SETTINGS = ["url", "host", "port", "sentinels", "nodes", "servers", "tls", "sentinelTls"] as const;

function destination(kind: string, settings: Record<string, unknown>): string {
  const tlsOff = (settings.tls as { enabled?: boolean } | undefined)?.enabled === false;
  return JSON.stringify([kind, ...DESTINATION_SETTINGS.map((name) => (name === "tls" && tlsOff ? null : (settings[name] ?? null)))]);
}

/**
 * The stored secrets the form's changes would keep, or none when they cannot be opened (the admin re-enters
 * them). A stored secret goes only to the address it was saved for: with another host, port, server list or
 * TLS setting, every kept secret has to be typed again (or cleared), so nobody can point a saved profile
 * at a server of their own and collect its password.
 */
function storedSecretsFor(row: ConnectionProfile | null, fields: ProfileFields): Record<string, string> {
  const stored = row ? (tryOpenSecrets(row.secret) ?? {}) : {};
  if (!row || destination(row.kind, JSON.parse(row.settings) as Record<string, unknown>) === destination(fields.kind, fields.settings)) return stored;
  const kept = kindOf(fields.kind).secrets.filter(({ name }) => fields.secrets[name] === undefined && stored[name]);
  if (kept.length) {
    const names = kept.map(({ label }) => label.toLowerCase()).join(" and ");
    throw new Refusal("SECRET_REQUIRED", `The address changed: enter the ${names} again, or clear it. A stored secret is only sent to the address it was saved for.`);
  }
  return stored;
}

function columns(fields: ProfileFields, secrets: Record<string, string>) {
  return {
    name: fields.name,
    kind: fields.kind,
    settings: JSON.stringify(fields.settings),
    secret: sealSecrets(secrets),
    readOnly: fields.readOnly,
    environment: fields.environment,
    color: fields.color,
    keyDelimiter: fields.keyDelimiter,
    defaultFormat: fields.defaultFormat,
    formatOverrides: JSON.stringify(fields.formatOverrides),
    timeoutMs: fields.timeoutMs,
    consoleAllow: JSON.stringify(fields.consoleAllow ?? []),
    scanCount: fields.scanCount ?? null,
    scanPauseMs: fields.scanPauseMs ?? null,
  };
}

export async function createProfile(fields: ProfileFields, options: { managed?: boolean } = {}): Promise<ConnectionProfile> {
  const secrets = mergeSecrets(fields.kind, {}, fields.secrets);
  return db().connectionProfile.create({ data: { ...columns(fields, secrets), managed: options.managed ?? false } });
}

export async function updateProfile(row: ConnectionProfile, fields: ProfileFields): Promise<ConnectionProfile> {
  const secrets = mergeSecrets(fields.kind, storedSecretsFor(row, fields), fields.secrets);
  const updated = await db().connectionProfile.update({ where: { id: row.id }, data: columns(fields, secrets) });
  await disposeConnection(row.id);
  return updated;
}

export async function deleteProfile(id: string): Promise<void> {
  // Its analysis reports go with it (no foreign key: the two rows are deleted together here).
  await db().$transaction([db().analysisReport.deleteMany({ where: { connectionId: id } }), db().consoleHistory.deleteMany({ where: { connectionId: id } }), db().connectionProfile.delete({ where: { id } })]);
  stopSampler(id);
  await disposeConnection(id);
}

/** Which top-level fields an edit changed, for the audit entry; secrets by name only, never by value. */
export function changedFields(row: ConnectionProfile, fields: ProfileFields): string[] {
  const before = columns(fields, {});
  const changed = (Object.keys(before) as (keyof typeof before)[]).filter(
    (name) => name !== "secret" && String(row[name as keyof ConnectionProfile] ?? "") !== String(before[name] ?? ""),
  );
  const secretChanges = Object.entries(fields.secrets)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => `secret:${name}`);
  return [...changed, ...secretChanges];
}

/** Where a profile connects, for the audit log: its address settings, never a secret or a certificate. */
export function addressOf(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    ["url", "host", "port", "sentinels", "nodes", "servers", "address", "statsAddress"].filter((name) => settings[name] !== undefined).map((name) => [name, settings[name]]),
  );
}

/**
 * The secrets "Test connection" may use: those typed in the form, and stored ones left unchanged — only
 * while the address is the stored one. `fromStore` names the stored ones, for the audit entry.
 */
export function secretsForTest(fields: ProfileFields, stored: ConnectionProfile | null): { secrets: Record<string, string>; fromStore: string[] } {
  const kept = storedSecretsFor(stored, fields);
  const secrets = mergeSecrets(fields.kind, kept, fields.secrets);
  return { secrets, fromStore: Object.keys(secrets).filter((name) => fields.secrets[name] === undefined) };
}

/** Connects with unsaved fields and the secrets from `secretsForTest`, and pings once. */
export async function testProfile(fields: ProfileFields, secrets: Record<string, string>): Promise<PingResult> {
  const driver = createDriver({
    kind: fields.kind,
    settings: fields.settings,
    secrets,
    timeoutMs: fields.timeoutMs,
  });
  try {
    return await driver.ping();
  } finally {
    await driver.dispose().catch(() => undefined);
  }
}
