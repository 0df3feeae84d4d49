import "server-only";
import { db } from "./db";

/** Settings admins change in the UI, stored as JSON in the Setting table. `null` means "use the default". */
export interface AppSettings {
  /** Audit entries older than this many days are pruned; null keeps them forever (unless the count applies). */
  auditRetentionDays: number | null;
  /** Only the newest this-many audit entries are kept; null sets no limit. */
  auditRetentionCount: number | null;
  /** Before/after values above this size keep only a digest; null uses the environment or 1 MiB. */
  auditSnapshotMaxBytes: number | null;
}

const DEFAULTS: AppSettings = { auditRetentionDays: null, auditRetentionCount: null, auditSnapshotMaxBytes: null };

const holder = globalThis as unknown as { cacheboardSettings?: AppSettings };

function parse(value: string): number | null {
  const parsed: unknown = JSON.parse(value);
  return typeof parsed === "number" && Number.isFinite(parsed) ? parsed : null;
}

export async function getSettings(): Promise<AppSettings> {
  const rows = await db().setting.findMany({ where: { key: { in: Object.keys(DEFAULTS) } } });
  const settings: AppSettings = { ...DEFAULTS };
  for (const row of rows) settings[row.key as keyof AppSettings] = parse(row.value);
  holder.cacheboardSettings = settings;
  return settings;
}

export async function updateSettings(changes: Partial<AppSettings>): Promise<AppSettings> {
  for (const [key, value] of Object.entries(changes)) {
    if (!(key in DEFAULTS) || value === undefined) continue;
    await db().setting.upsert({ where: { key }, create: { key, value: JSON.stringify(value) }, update: { value: JSON.stringify(value) } });
  }
  return getSettings();
}

/**
 * The last settings read in this process, for synchronous callers (the audit recorder sizes snapshots on
 * every write and must not query for it each time). Loaded at start-up and refreshed by every update.
 */
export function cachedSettings(): AppSettings {
  return holder.cacheboardSettings ?? DEFAULTS;
}
