import "server-only";
import type { ConnectionActionContext } from "../../actions/define-action";
import { snapshotKey } from "../../audit/snapshot";
import { ABSENT_DIGEST, valueDigest } from "../../drivers/digest";
import { DriverError } from "../../drivers/errors";
import type { CollectionOps } from "../../drivers/operations";
import type { Driver } from "../../drivers/types";

/**
 * Runs one change to one key with the audit snapshots the undo feature is built from: the key's state
 * before the change and after it, taken by the same driver call path as the change itself.
 */
export async function changeKey<T>(ctx: ConnectionActionContext, key: Buffer, change: (driver: Driver) => Promise<T>): Promise<T> {
  const driver = ctx.connection.driver();
  ctx.audit.targetKey = key;
  ctx.audit.before = await snapshotKey(driver, key);
  const result = await change(driver);
  ctx.audit.after = await snapshotKey(driver, key);
  return result;
}

/** Collection edits on a backend without types (memcached, uWSGI) are refused with a stable code. */
export function collectionsOf(driver: Driver): CollectionOps {
  if (!driver.collections) throw new DriverError("UNSUPPORTED", "This connection only stores plain string values.");
  return driver.collections;
}

/** The value an editor saw as a driver expectation: its digest, or ABSENT_DIGEST when there was none. */
export function expectationOf(seen: Buffer | null): string {
  return seen === null ? ABSENT_DIGEST : valueDigest(seen);
}
