import type { JobView } from "@/lib/wire/jobs";
import { formatCount } from "@/lib/format";
import { ServerBusyNote } from "@/components/ui/server-busy-note";

/** Keys scanned out of the database's key count, and what the job found or changed so far. */
export function JobProgressBar({ job, label }: { job: JobView; label: string }) {
  const { total, matched, affected } = job.progress;
  // Prefix walks count SCAN work, which can overshoot the key count on a small database.
  const scanned = total !== null ? Math.min(job.progress.scanned, total) : job.progress.scanned;
  const share = job.status !== "running" ? 1 : total ? Math.min(1, scanned / total) : null;
  const shown = job.kind === "delete" || job.kind === "expire" ? affected : matched;
  return (
    <div className="space-y-1">
      <div
        role="progressbar"
        aria-label={`${job.kind} progress`}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={scanned}
        className="h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div
          className={`h-full rounded-full ${job.status === "error" ? "bg-red-500" : job.status === "cancelled" || job.status === "interrupted" ? "bg-amber-500" : "bg-indigo-500"} ${share === null ? "w-1/3 animate-pulse" : ""}`}
          style={share === null ? undefined : { width: `${Math.round(share * 100)}%` }}
        />
      </div>
      <div className="flex justify-between text-xs text-slate-500 tabular-nums">
        <span>
          {formatCount(scanned)}
          {total !== null ? ` / ${formatCount(total)}` : ""} scanned
        </span>
        <span>
          {formatCount(shown)} {label}
          {job.status === "cancelled" || job.status === "interrupted" ? ` · ${job.status}` : job.status === "error" ? ` · ${job.error?.code}` : job.status === "done" ? " · done" : ""}
        </span>
      </div>
      {job.status === "running" && job.progress.gentle && <ServerBusyNote testId="job-gentle" walk="job" />}
    </div>
  );
}
