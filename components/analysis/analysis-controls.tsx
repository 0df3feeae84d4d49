"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { JobProgressBar } from "@/components/browser/job-progress-bar";
import { useJob } from "@/components/browser/use-job";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { startAnalysis } from "@/lib/actions/analysis/start-analysis";
import { cancelJob } from "@/lib/actions/namespaces/cancel-job";
import type { AnalysisJobResult } from "@/lib/wire/analysis";

/**
 * Start, progress and cancel of an analysis. The job runs on the server whether or not this page stays
 * open; when it ends, the page shows the report it stored.
 */
export function AnalysisControls({
  connectionId,
  canRun,
  runningJobId,
  runningElsewhere,
  pace,
}: {
  connectionId: string;
  /** The connection's scan pace: `paced` for kinds that walk with SCAN (Redis), `pauseMs` between calls. */
  pace: { paced: boolean; pauseMs: number };
  canRun: boolean;
  /** The caller's own analysis still running on this connection (after a reload). */
  runningJobId: string | null;
  /** Someone else's analysis is running on this connection. */
  runningElsewhere: boolean;
}) {
  const router = useRouter();
  const toast = useToast();
  const [jobId, setJobId] = useState<string | null>(runningJobId);
  const [pending, startTransition] = useTransition();
  const job = useJob<AnalysisJobResult>(connectionId, jobId).data;
  const running = job?.status === "running" || (jobId !== null && !job);

  const reportId = job && job.status !== "running" ? job.result?.reportId : null;
  useEffect(() => {
    if (!job || job.status === "running") return;
    if (job.status === "error" && job.error) toast(job.error, "error");
    if (job.status === "interrupted") toast("The server running this analysis stopped before it finished; no report was stored.", "error");
    if (reportId) router.push(`/c/${connectionId}/analysis?report=${encodeURIComponent(reportId)}`, { scroll: false });
    router.refresh();
    // Once per finished job.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job?.status, reportId]);

  const start = () =>
    startTransition(async () => {
      const result = await startAnalysis({ connectionId });
      if (result.ok) setJobId(result.data.jobId);
      else toast(result, "error");
    });

  const cancel = () =>
    startTransition(async () => {
      if (!jobId) return;
      const result = await cancelJob({ connectionId, jobId });
      if (!result.ok) toast(result, "error");
    });

  return (
    <section aria-label="Run an analysis" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center gap-3">
        <div className="min-w-0 flex-1 text-sm text-slate-600 dark:text-slate-300">
          One pass over every key: memory by namespace, keys without TTL, expiry buckets, the biggest keys and the longest collections.{" "}
          <span data-testid="analysis-pace">
            {!pace.paced
              ? "It reads the server's own key dump, at the server's speed."
              : pace.pauseMs > 0
                ? `This connection pauses ${pace.pauseMs} ms between scan calls: the analysis works about one fortieth of the time so the cache's own clients are not slowed, and takes that much longer (a scan pause of 0 runs it at full speed).`
                : "This connection's scan pause is 0: the analysis runs at full speed."}
          </span>
        </div>
        {canRun ? (
          running ? (
            <Button variant="secondary" onClick={cancel} disabled={pending || !job}>
              Cancel analysis
            </Button>
          ) : (
            <Button onClick={start} disabled={pending || runningElsewhere}>
              Analyze keyspace
            </Button>
          )
        ) : (
          <span className="text-xs text-slate-500">Viewers read finished reports; an editor can run an analysis.</span>
        )}
      </div>
      {runningElsewhere && !running && <p className="text-xs text-amber-700 dark:text-amber-300">Another person&apos;s analysis of this connection is running.</p>}
      {job && job.status === "running" && (
        <div data-testid="analysis-progress">
          <JobProgressBar job={job} label="keys analysed" />
        </div>
      )}
    </section>
  );
}
