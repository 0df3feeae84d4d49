import "server-only";
import type { ActionContext } from "../../actions/define-action";
import { completeAudit, progressAudit } from "../../audit/record";
import type { LoadedConnection } from "../../connections/load";
import { prefixPace } from "../../connections/scan-pace";
import type { PrefixOptions, PrefixResult } from "../../drivers/types";
import type { JobKind, JobView } from "../../wire/jobs";
import { cancelDetail, startJob } from "./jobs";

/** How often, at most, a running job writes its count to its audit entry. */
const PROGRESS_EVERY_MS = 1000;

type Progress = { matched: number; affected: number };

/**
 * A keys job (count, expire, delete over a namespace or a selection). A write job (`auditName` set) takes
 * over the pending audit entry its action opened (`ctx.auditEntryId`): marks it running, writes the count
 * as it goes (at most once a second) and completes it when the job ends (done, cancelled or failed). So a
 * 10M-key change is one entry, and one cut short by a crash still says how many keys it had changed.
 */
export async function startAuditedKeysJob(options: {
  connection: LoadedConnection;
  ctx: ActionContext;
  kind: JobKind;
  /** What it works on, for the Jobs tab: a namespace's pattern, "N selected keys". */
  target: string;
  /** The audit action to complete; null for a read-only job (a count). */
  auditName: string | null;
  total: number | null;
  detail: (progress: Progress, cancelled: boolean) => Record<string, unknown>;
  /** Runs the walks; `prefixOptions` reports progress, `done` holds the totals of walks already finished. */
  work: (prefixOptions: PrefixOptions, done: Progress, signal: AbortSignal) => Promise<PrefixResult>;
  finish?: (view: JobView<PrefixResult>) => void;
}): Promise<string> {
  const { connection, ctx, detail } = options;
  const actor = { id: ctx.user.id, email: ctx.user.email };
  const entryId = options.auditName === null ? null : ctx.auditEntryId;

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
    kind: options.kind,
    connectionId: connection.scope,
    userId: ctx.user.id,
    total: options.total,
    target: options.target,
    work: async (control) => {
      // Several walks add up: progress is the finished ones' totals plus the current one's.
      const done = { scanned: 0, matched: 0, affected: 0 };
      let scanned = 0;
      const prefixOptions: PrefixOptions = {
        // The connection's scan pace: keys per SCAN call and the pause between calls.
        ...prefixPace(connection.scanPace),
        signal: control.signal,
        onProgress: (p) => {
          const sum = { scanned: done.scanned + p.scanned, matched: done.matched + p.matched, affected: done.affected + p.affected };
          scanned = sum.scanned;
          control.progress({ ...sum, gentle: p.gentle ?? false });
          const now = Date.now();
          if (entryId === null || now - lastWrite < PROGRESS_EVERY_MS) return;
          lastWrite = now;
          void record(() => progressAudit(entryId, detail(sum, false)));
        },
      };
      const result = await options.work(prefixOptions, done, control.signal);
      // The walk reports before each batch's action; the last batch's keys were looked at too.
      control.progress({ scanned: Math.max(scanned, result.matched), matched: result.matched, affected: result.affected, gentle: false });
      return result;
    },
    finish: async (view: JobView<PrefixResult>, ended) => {
      options.finish?.(view);
      if (entryId === null || options.auditName === null) return;
      const auditName = options.auditName;
      const stopped = await cancelDetail(ended);
      await record(() =>
        completeAudit(entryId, {
          actor,
          connection: { id: connection.profile.id, name: connection.profile.name },
          action: auditName,
          detail: { ...detail(view.progress, view.status === "cancelled"), ...stopped },
          outcome: view.status === "error" ? "error" : "ok",
          error: view.error ?? undefined,
          clientAddress: ctx.clientAddress,
        }),
      );
    },
  });
}
