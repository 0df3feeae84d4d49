import "server-only";
import { db, type ConnectionProfile } from "../db";
import { createDriver } from "../drivers/registry";
import type { PingResult } from "../drivers/types";
import { openSecrets, sealSecrets } from "../secrets";
import { SECRET_NAMES } from "./kinds";
import { disposeConnection } from "./load";
import type { ProfileFields } from "./profile-input";

/**
 * Applies the form's secret changes to the stored ones: absent keeps, "" clears, text replaces. Secrets the
 * kind does not read are dropped, so switching a profile from Redis to uWSGI does not keep a dead password.
 */
export function mergeSecrets(kind: ProfileFields["kind"], stored: Record<string, string>, changes: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const name of SECRET_NAMES[kind]) {
    const change = changes[name];
    const value = change === undefined ? stored[name] : change;
    if (value) merged[name] = value;
  }
  return merged;
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
  };
}

export async function createProfile(fields: ProfileFields, options: { managed?: boolean } = {}): Promise<ConnectionProfile> {
  const secrets = mergeSecrets(fields.kind, {}, fields.secrets);
  return db().connectionProfile.create({ data: { ...columns(fields, secrets), managed: options.managed ?? false } });
}

export async function updateProfile(row: ConnectionProfile, fields: ProfileFields): Promise<ConnectionProfile> {
  const secrets = mergeSecrets(fields.kind, openSecrets(row.secret), fields.secrets);
  const updated = await db().connectionProfile.update({ where: { id: row.id }, data: columns(fields, secrets) });
  await disposeConnection(row.id);
  return updated;
}

export async function deleteProfile(id: string): Promise<void> {
  await db().connectionProfile.delete({ where: { id } });
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

/** Connects with unsaved fields (secrets left unchanged come from the stored profile) and pings once. */
export async function testProfile(fields: ProfileFields, stored: ConnectionProfile | null): Promise<PingResult> {
  const driver = createDriver({
    kind: fields.kind,
    settings: fields.settings,
    secrets: mergeSecrets(fields.kind, stored ? openSecrets(stored.secret) : {}, fields.secrets),
    timeoutMs: fields.timeoutMs,
  });
  try {
    return await driver.ping();
  } finally {
    await driver.dispose().catch(() => undefined);
  }
}
