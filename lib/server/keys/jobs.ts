import "server-only";
import { randomUUID } from "node:crypto";
import { isDriverError } from "../../drivers/errors";
import type { JobKind, JobProgress, JobView } from "../../wire/jobs";

/**
 * Long operations of the key browser (count, expire and delete by prefix) run as in-process jobs. A server
 * action or POST only starts one and returns its id; the page polls GET /api/c/[id]/jobs/[jobId] and can
 * cancel it. Why not stream the progress from the action itself: an action's response cannot be aborted
 * from the client without abandoning it (the walk would keep deleting with nobody watching and nobody able
 * to stop it), and a 10M-key delete outlives any request timeout. The registry lives on globalThis so it
 * survives module reloads; finished jobs are kept a few minutes for the page to read the outcome, then
 * dropped. Jobs are per process: with several app processes behind a balancer, the one that started a job
 * is the one that answers for it. (The namespace tree scan is not a job of one user: see ./keyspace-index.)
 */

interface Job<R> {
  view: JobView<R>;
  connectionId: string;
  userId: string;
  controller: AbortController;
}

interface JobControl<R> {
  signal: AbortSignal;
  progress(update: Partial<JobProgress>): void;
  publish(result: R): void;
}

const KEEP_FINISHED_MS = 10 * 60_000;

const holder = globalThis as unknown as { cacheboardJobs?: Map<string, Job<unknown>> };
const jobs = (holder.cacheboardJobs ??= new Map());

function sweep(now: number): void {
  for (const [id, job] of jobs) {
    if (job.view.finishedAt !== null && now - job.view.finishedAt > KEEP_FINISHED_MS) jobs.delete(id);
  }
}

/**
 * Starts `work` in the background and returns the job id at once. `finish` runs after the work ended,
 * whatever the outcome (that is where namespace operations write their one audit entry).
 */
export function startJob<R>(options: {
  kind: JobKind;
  connectionId: string;
  userId: string;
  total: number | null;
  work: (control: JobControl<R>) => Promise<R>;
  finish?: (view: JobView<R>) => Promise<void>;
}): string {
  const now = Date.now();
  sweep(now);
  const controller = new AbortController();
  const job: Job<R> = {
    connectionId: options.connectionId,
    userId: options.userId,
    controller,
    view: {
      id: randomUUID(),
      kind: options.kind,
      status: "running",
      progress: { scanned: 0, matched: 0, affected: 0, total: options.total },
      result: null,
      error: null,
      startedAt: now,
      finishedAt: null,
    },
  };
  jobs.set(job.view.id, job as Job<unknown>);
  const control: JobControl<R> = {
    signal: controller.signal,
    progress: (update) => Object.assign(job.view.progress, update),
    publish: (result) => {
      job.view.result = result;
    },
  };
  void (async () => {
    try {
      job.view.result = await options.work(control);
      job.view.status = controller.signal.aborted ? "cancelled" : "done";
    } catch (error) {
      if (controller.signal.aborted) job.view.status = "cancelled";
      else {
        job.view.status = "error";
        job.view.error = isDriverError(error)
          ? { code: error.code, message: error.message }
          : { code: "INTERNAL", message: "Unexpected server error; the server log has the details." };
        if (!isDriverError(error)) console.error(error);
      }
    }
    job.view.finishedAt = Date.now();
    try {
      await options.finish?.(job.view);
    } catch (error) {
      console.error(error);
    }
  })();
  return job.view.id;
}

/** The job as its owner sees it; null when it does not exist, belongs to another connection or user. */
export function readJob(connectionId: string, jobId: string, userId: string): JobView | null {
  const job = jobs.get(jobId);
  if (!job || job.connectionId !== connectionId || job.userId !== userId) return null;
  return job.view;
}

/** Asks a running job to stop; true when there was one to stop. */
export function cancelJob(connectionId: string, jobId: string, userId: string): boolean {
  const job = jobs.get(jobId);
  if (!job || job.connectionId !== connectionId || job.userId !== userId || job.view.status !== "running") return false;
  job.controller.abort();
  return true;
}
