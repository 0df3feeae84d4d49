import "server-only";
import type { ActionContext } from "../../actions/define-action";
import type { LoadedConnection } from "../../connections/load";
import { plural } from "../../plural";
import { keyText } from "../../wire/keys";
import { startAuditedKeysJob } from "./audited-job";
import { countWithoutTtl, walkKeyList } from "./key-walk";

const AUDIT_SAMPLE = 20;

type SelectionOperation =
  /** `matched`: keys looked at; `affected`: those that exist and have no expiry. */
  | { kind: "countNoTtl" }
  /** `ttlMs` null removes the expiry; with `onlyWithoutTtl` keys that expire keep their TTL. */
  | { kind: "expire"; ttlMs: number | null; onlyWithoutTtl: boolean };

/**
 * A count or an expiry change over keys chosen in the key list, in batches, as a job with progress and
 * cancel. The expiry change completes its action's audit entry with the count, a sample of the names and the
 * filter the keys were chosen with.
 */
export async function startSelectionJob(options: {
  connection: LoadedConnection;
  ctx: ActionContext;
  keys: Buffer[];
  pattern?: string;
  operation: SelectionOperation;
}): Promise<string> {
  const { connection, ctx, keys, pattern, operation } = options;
  const driver = connection.driver();
  return startAuditedKeysJob({
    connection,
    ctx,
    kind: operation.kind === "expire" ? "expire" : "count",
    target: `${plural(keys.length, "selected key")}${pattern ? ` (${pattern})` : ""}`,
    auditName: operation.kind === "expire" ? "keys.expire" : null,
    total: keys.length,
    detail: (progress, cancelled) => ({
      selected: keys.length,
      count: progress.affected,
      matched: progress.matched,
      cancelled,
      keys: keys.slice(0, AUDIT_SAMPLE).map((key) => keyText(key).text),
      ...(pattern ? { pattern } : {}),
      ...(operation.kind === "expire" ? { ttlMs: operation.ttlMs, ...(operation.onlyWithoutTtl ? { onlyWithoutTtl: true } : {}) } : {}),
      ...(connection.db !== null ? { db: connection.db } : {}),
    }),
    work: (prefixOptions) =>
      walkKeyList(
        keys,
        prefixOptions,
        operation.kind === "countNoTtl"
          ? countWithoutTtl(driver)
          : (batch) => driver.expireKeys(batch, operation.ttlMs, { onlyWithoutTtl: operation.onlyWithoutTtl }),
      ),
  });
}
