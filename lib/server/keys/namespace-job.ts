import "server-only";
import type { ActionContext } from "../../actions/define-action";
import { completeAudit, progressAudit } from "../../audit/record";
import type { LoadedConnection } from "../../connections/load";
import { prefixPace } from "../../connections/scan-pace";
import type { PrefixResult } from "../../drivers/types";
import { keyText } from "../../wire/keys";
import type { JobView } from "../../wire/jobs";
import { startJob } from "./jobs";
import { indexPrefixRemoved } from "./keyspace-index";

type NamespaceOperation = { kind: "count" } | { kind: "expire"; ttlMs: number | null } | { kind: "delete" };

const AUDIT_NAMES = { expire: "namespaces.expire", delete: "namespaces.delete" } as const;

/** How often, at most, a running job writes its count to its audit entry. */
const PROGRESS_EVERY_MS = 1000;

/**
 * Starts a count, expire or delete of every key under `prefix` as a job. A write job takes over the pending
 * audit entry its action opened (`ctx.auditEntryId`): marks it running, writes the count as it goes (at most
 * once a second) and completes it when the job ends (done, cancelled or failed). So a 10M-key delete is one
 * entry, and one cut short by a crash still says how many keys it had changed.
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
  const total = await driver.keyCount();
  const actor = { id: ctx.user.id, email: ctx.user.email };
  const entryId = operation.kind === "count" ? null : ctx.auditEntryId;
  const detail = (progress: { matched: number; affected: number }, cancelled: boolean) => ({
    prefix: keyText(prefix).text,
    prefixBase64: prefix.toString("base64"),
    pattern: `${keyText(prefix).text}*`,
    count: progress.affected,
    matched: progress.matched,
    cancelled,
    ...(alsoPrefixes.length > 0 ? { alsoPrefixes: alsoPrefixes.map((p) => keyText(p).text) } : {}),
    ...(operation.kind === "expire" ? { ttlMs: operation.ttlMs } : {}),
    ...(connection.db !== null ? { db: connection.db } : {}),
  });

  // Progress writes run one after another, never overlapping, and the completion waits for the last one.
  let writes: Promise<void> = Promise.resolve();
  let lastWrite = 0;
  const record = (write: () => Promise<void>) => {
    writes = writes.then(write).catch((error: unknown) => console.error("Could not update audit entry", entryId, error));
    return writes;
  };
  if (entryId !== null) {
    await progressAudit(entryId, detail({ matched: 0, affected: 0 }, false));
    ctx.audit.handedOff = true;
  }

  return startJob<PrefixResult>({
    kind: operation.kind,
    connectionId: connection.scope,
    userId: ctx.user.id,
    total,
    work: async (control) => {
      // Several prefixes add up: progress is the finished ones' totals plus the current one's.
      const done = { scanned: 0, matched: 0, affected: 0 };
      const prefixOptions = {
        // The connection's scan pace: keys per SCAN call and the pause between calls.
        ...prefixPace(connection.scanPace),
        signal: control.signal,
        onProgress: (p: { scanned: number; matched: number; affected: number }) => {
          const sum = { scanned: done.scanned + p.scanned, matched: done.matched + p.matched, affected: done.affected + p.affected };
          control.progress(sum);
          const now = Date.now();
          if (entryId === null || now - lastWrite < PROGRESS_EVERY_MS) return;
          lastWrite = now;
          void record(() => progressAudit(entryId, detail(sum, false)));
        },
      };
      let result: PrefixResult = { matched: 0, affected: 0, cancelled: false };
      for (const p of [prefix, ...alsoPrefixes]) {
        const one =
          operation.kind === "count"
            ? await driver.countPrefix(p, prefixOptions)
            : operation.kind === "expire"
              ? await driver.expirePrefix(p, operation.ttlMs, prefixOptions)
              : await driver.deletePrefix(p, prefixOptions);
        done.matched += one.matched;
        done.affected += one.affected;
        result = { ...one, matched: done.matched, affected: done.affected };
        control.progress({ matched: done.matched, affected: done.affected });
        if (control.signal.aborted) break;
      }
      return result;
    },
    finish: async (view: JobView<PrefixResult>) => {
      if (operation.kind === "delete") {
        // A finished job removed every namespace whole; a cancelled one's count is charged to the first.
        indexPrefixRemoved(connection.scope, prefix, view.progress.affected, view.status === "done");
        for (const p of alsoPrefixes) indexPrefixRemoved(connection.scope, p, 0, view.status === "done");
      }
      if (entryId === null || operation.kind === "count") return;
      await record(() =>
        completeAudit(entryId, {
          actor,
          connection: { id: connection.profile.id, name: connection.profile.name },
          action: AUDIT_NAMES[operation.kind],
          detail: detail(view.progress, view.status === "cancelled"),
          outcome: view.status === "error" ? "error" : "ok",
          error: view.error ?? undefined,
          clientAddress: ctx.clientAddress,
        }),
      );
    },
  });
}
