/** How the Jobs tab words a job: its kind, its outcome and its progress. Client-safe. */
import { formatCount, formatPercent } from "@/lib/format";
import { plural } from "@/lib/plural";
import type { JobKind, JobListEntry, JobStatus } from "@/lib/wire/jobs";

/** The kinds in words. Count, expire and delete cover a namespace (tree menu) and a selection (bulk TTL) alike. */
export const JOB_KIND_LABELS: Record<JobKind, string> = {
  count: "Count keys",
  expire: "Set TTL",
  delete: "Delete keys",
  top: "Sort by size or TTL",
  analysis: "Keyspace analysis",
  "import-preview": "Import dry run",
  import: "Import",
  export: "Export",
};

export const JOB_STATUS_LABELS: Record<JobStatus, string> = {
  running: "Running",
  done: "Done",
  cancelled: "Cancelled",
  error: "Failed",
  interrupted: "Interrupted",
};

/** What a job's `affected` counter means, per kind; null where it counts nothing of its own. */
const AFFECTED: Partial<Record<JobKind, string>> = { expire: "expired", delete: "deleted", import: "imported", export: "written" };

/** The counter the progress bar follows and what it counts: keys scanned, lines read, or keys written (an export). */
function measure(job: Pick<JobListEntry, "kind" | "progress">): { done: number; noun: string; verb: string } {
  if (job.kind === "export") return { done: job.progress.affected, noun: "key", verb: "written" };
  if (job.kind === "import" || job.kind === "import-preview") return { done: job.progress.scanned, noun: "line", verb: "read" };
  return { done: job.progress.scanned, noun: "key", verb: "scanned" };
}

/** The share done, between 0 and 1; null when the total is not known (a backend that cannot count its keys). */
export function jobShare(job: Pick<JobListEntry, "kind" | "progress">): number | null {
  const { total } = job.progress;
  if (!total) return null;
  return Math.min(1, measure(job).done / total);
}

/**
 * `12,000 of 50,000 keys scanned (24.0 %) · 3,000 deleted`, `1,500 lines read · 1,400 imported`: the progress
 * as the row last recorded it.
 */
export function jobProgressText(job: Pick<JobListEntry, "kind" | "progress" | "status">): string {
  const { done, noun, verb } = measure(job);
  const { total, matched, affected } = job.progress;
  const share = jobShare(job);
  const head = total ? `${formatCount(Math.min(done, total))} of ${plural(total, noun)} ${verb}` : `${plural(done, noun)} ${verb}`;
  const parts = [share !== null && job.status === "running" ? `${head} (${formatPercent(share)})` : head];
  const affectedLabel = AFFECTED[job.kind];
  if (job.kind === "count") parts.push(`${formatCount(matched)} matched`);
  else if (affectedLabel && job.kind !== "export") parts.push(`${formatCount(affected)} ${affectedLabel}`);
  return parts.join(" · ");
}

/** Where the job works: the profile's own database, or the one chosen with the db switcher. */
export function jobScopeText(database: number | null): string | null {
  return database === null ? null : `database ${database}`;
}
