import "server-only";
import type { AuditEntry } from "../db";
import { valueDigest } from "../drivers/digest";
import { DriverError } from "../drivers/errors";
import type { Driver } from "../drivers/types";
import { Refusal } from "../server/refusal";
import type { AuditSnapshot } from "./record";
import { snapshotKey, type KeySnapshotMeta } from "./snapshot";

function metaOf(text: string | null): KeySnapshotMeta | null {
  if (!text) return null;
  const meta = JSON.parse(text) as Partial<KeySnapshotMeta>;
  return typeof meta.exists === "boolean" ? (meta as KeySnapshotMeta) : null;
}

/**
 * An entry can be undone when it changed one key and kept that key's state before and after (the key
 * actions record both through `snapshotKey`), and the change went through.
 */
export function undoability(entry: AuditEntry): { undoable: true } | { undoable: false; reason: string } {
  if (entry.outcome !== "ok") return { undoable: false, reason: "The change did not go through." };
  const before = metaOf(entry.beforeMeta);
  if (!entry.targetKey || !entry.connectionId || !before || !metaOf(entry.afterMeta)) {
    return { undoable: false, reason: "Only single-key changes keep the state undo needs." };
  }
  if (before.exists && (before.truncated || !entry.beforeValue)) {
    return { undoable: false, reason: "The value before was larger than the snapshot size cap; only its digest was kept, so it cannot be restored." };
  }
  return { undoable: true };
}

/** The digest the audit recorder stores for a snapshot, so a fresh snapshot compares like for like. */
function recordedDigest(snapshot: AuditSnapshot): string | null {
  return snapshot.digest ?? (snapshot.value ? valueDigest(snapshot.value) : null);
}

/** Whether the key now is what the entry left behind; a TTL that merely ran down does not count. */
function matchesAfter(entry: AuditEntry, now: AuditSnapshot): boolean {
  const after = metaOf(entry.afterMeta)!;
  const current = now.meta as unknown as KeySnapshotMeta;
  if (!after.exists || !current.exists) return after.exists === current.exists;
  if (after.type !== current.type) return false;
  if ((after.ttlMs === null || after.ttlMs === undefined) !== (current.ttlMs === null || current.ttlMs === undefined)) return false;
  const digest = recordedDigest(now);
  return digest !== null && digest === entry.afterDigest;
}

interface UndoOutcome {
  before: AuditSnapshot;
  after: AuditSnapshot;
  restored: "deleted" | "value";
}

/**
 * Puts the key back as the entry found it: deleted when it did not exist, else its value, type and TTL
 * (Redis: RESTORE … REPLACE of the DUMP payload; memcached and uWSGI: the raw value with its flags).
 * Refuses with CONFLICT when the key changed after the entry, unless `force`.
 */
export async function undoEntry(driver: Driver, entry: AuditEntry, force: boolean): Promise<UndoOutcome> {
  const check = undoability(entry);
  if (!check.undoable) throw new Refusal(check.reason.startsWith("The value before") ? "TRUNCATED" : "NOT_UNDOABLE", check.reason);
  const key = Buffer.from(entry.targetKey!);
  const target = metaOf(entry.beforeMeta)!;
  const now = await snapshotKey(driver, key);
  if (!force && !matchesAfter(entry, now)) {
    throw new Refusal("CONFLICT", "The key has changed since this entry; undoing would overwrite that change. Confirm to undo anyway.");
  }
  if (!target.exists) {
    await driver.delete([key]);
  } else {
    const value = Buffer.from(entry.beforeValue!);
    const ttlMs = target.ttlMs ?? null;
    if (target.encoding === "dump") {
      if (!driver.restore) throw new DriverError("UNSUPPORTED", "This connection cannot restore dumped values.");
      await driver.restore(key, value, { ttlMs, replace: true });
    } else {
      await driver.write(key, value, { ttlMs, flags: target.flags });
    }
  }
  return { before: now, after: await snapshotKey(driver, key), restored: target.exists ? "value" : "deleted" };
}
