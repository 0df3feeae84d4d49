import "server-only";
import type { ActionContext } from "../actions/define-action";
import { recordAudit } from "../audit/record";
import type { LoadedConnection } from "../connections/load";
import type { PrefixResult } from "../drivers/types";
import { keyText } from "../key-text";
import { startJob, type JobView } from "./jobs";
import { indexPrefixRemoved } from "./keyspace-index";

export type NamespaceOperation = { kind: "count" } | { kind: "expire"; ttlMs: number | null } | { kind: "delete" };

const AUDIT_NAMES = { expire: "namespaces.expire", delete: "namespaces.delete" } as const;

/**
 * Starts a count, expire or delete of every key under `prefix` as a job. Writes are audited once, when the
 * job ends (done, cancelled or failed), with the count and the prefix — so a 10M-key delete is one entry,
 * and a cancelled one still says how many keys it changed before it stopped.
 */
export async function startNamespaceJob(options: {
  connection: LoadedConnection;
  ctx: ActionContext;
  prefix: Buffer;
  operation: NamespaceOperation;
}): Promise<string> {
  const { connection, ctx, prefix, operation } = options;
  const driver = connection.driver();
  const total = await driver.keyCount();
  const actor = { id: ctx.user.id, email: ctx.user.email };
  return startJob<PrefixResult>({
    kind: operation.kind,
    connectionId: connection.profile.id,
    userId: ctx.user.id,
    total,
    work: async (control) => {
      const prefixOptions = {
        signal: control.signal,
        onProgress: (p: { scanned: number; matched: number; affected: number }) => control.progress(p),
      };
      const result =
        operation.kind === "count"
          ? await driver.countPrefix(prefix, prefixOptions)
          : operation.kind === "expire"
            ? await driver.expirePrefix(prefix, operation.ttlMs, prefixOptions)
            : await driver.deletePrefix(prefix, prefixOptions);
      control.progress({ matched: result.matched, affected: result.affected });
      return result;
    },
    finish: async (view: JobView<PrefixResult>) => {
      if (operation.kind === "delete") indexPrefixRemoved(connection.profile.id, prefix, view.progress.affected, view.status === "done");
      if (operation.kind === "count") return;
      await recordAudit({
        actor,
        connection: { id: connection.profile.id, name: connection.profile.name },
        action: AUDIT_NAMES[operation.kind],
        detail: {
          prefix: keyText(prefix).text,
          prefixBase64: prefix.toString("base64"),
          pattern: `${keyText(prefix).text}*`,
          count: view.progress.affected,
          matched: view.progress.matched,
          cancelled: view.status === "cancelled",
          ...(operation.kind === "expire" ? { ttlMs: operation.ttlMs } : {}),
        },
        outcome: view.status === "error" ? "error" : "ok",
        error: view.error ?? undefined,
        clientAddress: ctx.clientAddress,
      });
    },
  });
}
