import "server-only";
import type { ActionContext } from "../../actions/define-action";
import type { LoadedConnection } from "../../connections/load";
import type { PrefixResult } from "../../drivers/types";
import { plural } from "../../plural";
import { keyText } from "../../wire/keys";
import { startAuditedKeysJob } from "./audited-job";
import { countWithoutTtl, walkPrefixKeys } from "./key-walk";
import { indexPrefixRemoved } from "./keyspace-index";

type NamespaceOperation =
  | { kind: "count" }
  /** Counts the keys and, as `affected`, those of them without an expiry (the preview of `onlyWithoutTtl`). */
  | { kind: "countNoTtl" }
  /** With `onlyWithoutTtl`, keys that already expire keep their TTL. */
  | { kind: "expire"; ttlMs: number | null; onlyWithoutTtl?: boolean }
  | { kind: "delete" };

const AUDIT_NAMES = { expire: "namespaces.expire", delete: "namespaces.delete" } as const;

/**
 * Starts a count, expire or delete of every key under `prefix` as a job; a write job completes its
 * action's audit entry with the count (see `startAuditedKeysJob`).
 */
export async function startNamespaceJob(options: {
  connection: LoadedConnection;
  ctx: ActionContext;
  prefix: Buffer;
  /** More prefixes treated as part of this one (a Litestar store's child stores), walked after it. */
  alsoPrefixes?: Buffer[];
  operation: NamespaceOperation;
}): Promise<string> {
  const { connection, ctx, prefix, operation } = options;
  const alsoPrefixes = options.alsoPrefixes ?? [];
  const driver = connection.driver();
  const write = operation.kind === "expire" || operation.kind === "delete";
  return startAuditedKeysJob({
    connection,
    ctx,
    kind: write ? operation.kind : "count",
    target: `${keyText(prefix).text}*${alsoPrefixes.length > 0 ? ` and ${plural(alsoPrefixes.length, "child store")}` : ""}`,
    auditName: write ? AUDIT_NAMES[operation.kind] : null,
    total: await driver.keyCount(),
    detail: (progress, cancelled) => ({
      prefix: keyText(prefix).text,
      prefixBase64: prefix.toString("base64"),
      pattern: `${keyText(prefix).text}*`,
      count: progress.affected,
      matched: progress.matched,
      cancelled,
      ...(alsoPrefixes.length > 0 ? { alsoPrefixes: alsoPrefixes.map((p) => keyText(p).text) } : {}),
      ...(operation.kind === "expire" ? { ttlMs: operation.ttlMs, ...(operation.onlyWithoutTtl ? { onlyWithoutTtl: true } : {}) } : {}),
      ...(connection.db !== null ? { db: connection.db } : {}),
    }),
    work: async (prefixOptions, done, signal) => {
      let result: PrefixResult = { matched: 0, affected: 0, cancelled: false };
      for (const p of [prefix, ...alsoPrefixes]) {
        const one =
          operation.kind === "count"
            ? await driver.countPrefix(p, prefixOptions)
            : operation.kind === "countNoTtl"
              ? await walkPrefixKeys(driver, p, prefixOptions, countWithoutTtl(driver))
              : operation.kind === "expire" && operation.onlyWithoutTtl && operation.ttlMs !== null
                ? await walkPrefixKeys(driver, p, prefixOptions, (keys) => driver.expireKeys(keys, operation.ttlMs, { onlyWithoutTtl: true }))
                : operation.kind === "expire"
                  ? await driver.expirePrefix(p, operation.ttlMs, prefixOptions)
                  : await driver.deletePrefix(p, prefixOptions);
        done.matched += one.matched;
        done.affected += one.affected;
        result = { ...one, matched: done.matched, affected: done.affected };
        if (signal.aborted) break;
      }
      return result;
    },
    finish: (view) => {
      if (operation.kind !== "delete") return;
      // A finished job removed every namespace whole; a cancelled one's count is charged to the first.
      indexPrefixRemoved(connection.scope, prefix, view.progress.affected, view.status === "done");
      for (const p of alsoPrefixes) indexPrefixRemoved(connection.scope, p, 0, view.status === "done");
    },
  });
}
