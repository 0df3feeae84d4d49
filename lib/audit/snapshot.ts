import "server-only";
import { isDriverError } from "../drivers/errors";
import type { Driver, DriverKind } from "../drivers/types";
import type { AuditSnapshot } from "./record";
import { snapshotMaxBytes } from "./record";

/**
 * The state of one key, as the audit log keeps it for undo:
 * - `meta.exists` false: the key did not exist (undo of a create deletes it).
 * - `meta.encoding` "dump": `value` is the driver's `dump` payload, restored with its `restore` (Redis: a DUMP
 *   payload of any type, RESTORE … REPLACE; memcached: the 4-byte big-endian flags, then the value).
 *   `meta.driver` names the kind that wrote it, so the audit page can show what is inside.
 * - `meta.encoding` "raw": `value` is the string value itself (memcached, uWSGI), written back with
 *   `meta.flags` and `meta.ttlMs`.
 * Above the size cap only the digest is kept and `meta.truncated` is true: undo says it cannot restore.
 */
export interface KeySnapshotMeta {
  exists: boolean;
  driver?: DriverKind;
  encoding?: "dump" | "raw";
  type?: string;
  ttlMs?: number | null;
  flags?: number;
  size?: number;
  truncated?: boolean;
}

export async function snapshotKey(driver: Driver, key: Buffer): Promise<AuditSnapshot> {
  const [info] = await driver.describe([key]);
  if (!info || !info.exists) return { meta: { exists: false } satisfies KeySnapshotMeta };
  const cap = snapshotMaxBytes();
  const base: KeySnapshotMeta = { exists: true, driver: driver.kind, type: info.type, ttlMs: info.ttlMs, size: info.size ?? undefined, flags: info.flags };

  if (driver.capabilities.dumpRestore && driver.dump) {
    if (info.size !== null && info.size > cap) {
      return { digest: await digestOf(driver, key), meta: { ...base, encoding: "dump", truncated: true } };
    }
    const dumped = await driver.dump(key);
    if (!dumped) return { meta: { exists: false } satisfies KeySnapshotMeta };
    return { value: dumped.payload, meta: { ...base, encoding: "dump", ttlMs: dumped.ttlMs } };
  }

  try {
    const read = await driver.read(key, { offset: 0, limit: Math.max(cap, 1) });
    if (read.type !== "string") return { meta: { ...base, truncated: true } };
    if (read.total > read.value.length) {
      return { digest: read.digest, meta: { ...base, encoding: "raw", truncated: true, size: read.total } };
    }
    return { value: read.value, digest: read.digest, meta: { ...base, encoding: "raw", ttlMs: read.ttlMs, flags: read.flags, size: read.total } };
  } catch (error) {
    if (isDriverError(error) && error.code === "NOT_FOUND") return { meta: { exists: false } satisfies KeySnapshotMeta };
    throw error;
  }
}

async function digestOf(driver: Driver, key: Buffer): Promise<string | null> {
  try {
    const read = await driver.read(key, { offset: 0, limit: 1 });
    return read.type === "string" ? read.digest : null;
  } catch {
    return null;
  }
}
