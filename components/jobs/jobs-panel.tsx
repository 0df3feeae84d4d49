"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { ServerBusyNote } from "@/components/ui/server-busy-note";
import { useToast } from "@/components/ui/toast";
import { runAction } from "@/components/browser/value-view/run-action";
import { cancelJob } from "@/lib/actions/namespaces/cancel-job";
import { formatAge, formatElapsed, formatInstant } from "@/lib/format";
import { plural } from "@/lib/plural";
import { queryKeys } from "@/lib/query-keys";
import { ApiError } from "@/lib/wire/errors";
import type { JobListEntry, JobStatus } from "@/lib/wire/jobs";
import { JOB_KIND_LABELS, JOB_STATUS_LABELS, jobProgressText, jobScopeText, jobShare } from "./job-words";
import { useJobList } from "./use-job-list";

const STATUS_TONES: Record<JobStatus, string> = {
  running: "bg-indigo-100 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200",
  done: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  cancelled: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  interrupted: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  error: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
};

function ownerText(job: JobListEntry): string {
  const who = job.owner.email ?? "a deleted account";
  return job.mine ? `${who} (you)` : who;
}

function Bar({ job }: { job: JobListEntry }) {
  const share = jobShare(job);
  return (
    <div
      role="progressbar"
      aria-label={`${JOB_KIND_LABELS[job.kind]} progress`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={share === null ? undefined : Math.round(share * 100)}
      className="h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
    >
      <div className={`h-full rounded-full bg-indigo-500 ${share === null ? "w-1/3 animate-pulse" : ""}`} style={share === null ? undefined : { width: `${Math.round(share * 100)}%` }} />
    </div>
  );
}

function JobItem({ job, now, onCancel, cancelling }: { job: JobListEntry; now: number; onCancel: (job: JobListEntry) => void; cancelling: boolean }) {
  const running = job.status === "running";
  const scope = jobScopeText(job.database);
  const stopping = running && (job.cancelRequested || cancelling);
  return (
    <li data-testid="job-item" data-job-id={job.id} data-status={job.status} className="space-y-2 px-4 py-3">
      <div className="flex flex-wrap items-start gap-x-3 gap-y-1">
        <div className="min-w-0 flex-1 space-y-0.5">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{JOB_KIND_LABELS[job.kind]}</span>
            {job.target && (
              <span data-testid="job-target" title={job.target} className="min-w-0 max-w-full truncate font-mono text-sm text-slate-700 dark:text-slate-300">
                {job.target}
              </span>
            )}
            {scope && <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">{scope}</span>}
            <span data-testid="job-status" className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_TONES[job.status]}`}>
              {stopping ? "Stopping…" : JOB_STATUS_LABELS[job.status]}
            </span>
          </div>
          <p className="text-xs text-slate-500">
            Started by <span className="text-slate-700 dark:text-slate-300">{ownerText(job)}</span>{" "}
            <time dateTime={new Date(job.startedAt).toISOString()} title={formatInstant(job.startedAt)}>
              {formatAge(now - job.startedAt)}
            </time>
            {job.finishedAt !== null && ` · ${job.status === "interrupted" ? "last heard of" : "ended"} ${formatAge(now - job.finishedAt)}, after ${formatElapsed(job.finishedAt - job.startedAt)}`}
            {running && ` · running for ${formatElapsed(Math.max(0, now - job.startedAt))}`}
            {job.cancelledBy && (
              <span data-testid="job-cancelled-by">
                {` · ${running ? "stop asked" : "cancelled"} by `}
                <span className="text-slate-700 dark:text-slate-300">{job.cancelledBy.email ?? "a deleted account"}</span>
              </span>
            )}
          </p>
        </div>
        {job.canCancel && (
          <Button variant="secondary" size="sm" disabled={stopping} onClick={() => onCancel(job)} aria-label={`Cancel ${JOB_KIND_LABELS[job.kind]} started by ${ownerText(job)}`}>
            {stopping ? "Stopping…" : "Cancel"}
          </Button>
        )}
      </div>
      {running && <Bar job={job} />}
      <p data-testid="job-progress" className="text-xs text-slate-600 tabular-nums dark:text-slate-400">
        {jobProgressText(job)}
      </p>
      {running && job.progress.gentle && <ServerBusyNote testId="job-gentle" walk="job" />}
      {job.status === "interrupted" && <p className="text-xs text-amber-800 dark:text-amber-300">The instance running it stopped before it ended; the counts are the last it recorded.</p>}
      {job.error && <ErrorText failure={job.error} className="text-xs text-red-700 dark:text-red-300" />}
    </li>
  );
}

function Section({ title, empty, jobs, now, onCancel, cancelling }: { title: string; empty: string; jobs: JobListEntry[]; now: number; onCancel: (job: JobListEntry) => void; cancelling: Set<string> }) {
  return (
    <section aria-label={title} className="overflow-hidden rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <h2 className="border-b border-slate-200 px-4 py-2 text-sm font-semibold dark:border-slate-800">
        {title} <span className="font-normal text-slate-500">({jobs.length})</span>
      </h2>
      {jobs.length === 0 ? (
        <p className="px-4 py-3 text-sm text-slate-500">{empty}</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800">
          {jobs.map((job) => (
            <JobItem key={job.id} job={job} now={now} onCancel={onCancel} cancelling={cancelling.has(job.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * A connection's Jobs tab: every running job (counts, expires and deletes of a namespace or selection,
 * sorts, analyses, imports, exports), whoever started it and whichever instance runs it, read from the job
 * rows; and those that ended in the last hour with their outcome. Cancel is offered where the server would
 * take it: one's own jobs, and everyone's for an admin.
 */
export function JobsPanel({ connectionId }: { connectionId: string }) {
  const list = useJobList(connectionId, false);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [cancelling, setCancelling] = useState<Set<string>>(new Set());

  async function cancel(job: JobListEntry) {
    setCancelling((ids) => new Set(ids).add(job.id));
    const result = await runAction(toast, () => cancelJob({ connectionId: job.scope, jobId: job.id }), (data) => (data.cancelled ? `${JOB_KIND_LABELS[job.kind]}: stopping` : "That job had already ended"));
    if (!result.ok) setCancelling((ids) => new Set([...ids].filter((id) => id !== job.id)));
    await queryClient.invalidateQueries({ queryKey: queryKeys.jobList(connectionId) });
  }

  const data = list.data;
  const now = data?.readAt ?? 0;
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-5xl space-y-4 p-4 sm:p-6">
        <div className="flex flex-wrap items-center gap-3">
          <p className="min-w-0 flex-1 text-sm text-slate-600 dark:text-slate-400">
            Long operations on this connection, everyone&apos;s, from every instance. {data && data.running.length > 0 ? `${plural(data.running.length, "job")} running; updated every 2 seconds.` : ""}
          </p>
          <Button variant="secondary" size="sm" onClick={() => void list.refetch()} disabled={list.isFetching}>
            Refresh
          </Button>
        </div>
        {list.error && <ErrorText failure={{ code: list.error instanceof ApiError ? list.error.code : "NETWORK", message: list.error.message }} className="text-sm text-red-700 dark:text-red-300" />}
        {!data && !list.error && <p className="text-sm text-slate-500">Loading jobs…</p>}
        {data && (
          <>
            <Section title="Running" empty="No job is running on this connection." jobs={data.running} now={now} onCancel={(job) => void cancel(job)} cancelling={cancelling} />
            <Section title="Ended in the last hour" empty="No job ended in the last hour." jobs={data.finished} now={now} onCancel={(job) => void cancel(job)} cancelling={cancelling} />
          </>
        )}
      </div>
    </div>
  );
}
