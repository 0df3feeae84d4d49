import "server-only";
import { randomUUID } from "node:crypto";
import { isDriverError } from "../../drivers/errors";
import { mayCancelJob } from "../../auth/permissions";
import { db } from "../../db";
import type { JobKind, JobList, JobListEntry, JobProgress, JobView } from "../../wire/jobs";
import { parseConnectionRef } from "../../wire/connection-ref";
import { BEAT_MS, beat, finishRow, insertRow, listRows, pruneJobRows, readRow, requestCancel, resultText, runningRow } from "./job-rows";

/**
 * Long operations (count, expire and delete by prefix, whole-namespace sorts, analyses) run as jobs. A server
 * action or POST only starts one and returns its id; the page polls GET /api/c/[id]/jobs/[jobId] and can
 * cancel it. Why not stream the progress from the action itself: an action's response cannot be aborted
 * from the client without abandoning it (the walk would keep deleting with nobody watching and nobody able
 * to stop it), and a 10M-key delete outlives any request timeout.
 *
 * Each job is a row in the database (./job-rows), so with several instances behind a balancer any of them
 * answers a poll or takes a cancel. The work itself runs in the process that started it, which keeps the
 * live view here and beats every half second: progress, partial result and heartbeat go to the row, and
 * the same write tells it whether a cancel was asked for (then its AbortController aborts). A row whose
 * instance died stops beating and reads as "interrupted" with its last counts. The namespace tree scan is
 * not a job of one user and stays per process: see ./keyspace-index. An export is a job whose work is its
 * streamed response rather than a background task: it opens its job with `openJob` and ends it itself.
 */

interface LocalJob {
  view: JobView<unknown>;
  connectionId: string;
  userId: string;
  controller: AbortController;
  /** The result changed since the last beat wrote it. */
  resultDirty: boolean;
  /** Who asked it to stop (a user id), once someone did. */
  cancelledBy: string | null;
}

/** How a job ended beyond its view: who stopped it, for the audit entry a job's `finish` completes. */
export interface JobEnded {
  cancelledBy: string | null;
}

interface JobControl<R> {
  signal: AbortSignal;
  progress(update: Partial<JobProgress>): void;
  publish(result: R): void;
}

/** Finished jobs stay in this process's memory this long (the row stays longer), so their starter reads them without the database. */
const KEEP_LOCAL_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 60_000;

const holder = globalThis as unknown as {
  cacheboardJobs?: { jobs: Map<string, LocalJob>; timer: NodeJS.Timeout | null; beating: boolean; prunedAt: number };
};
const local = (holder.cacheboardJobs ??= { jobs: new Map(), timer: null, beating: false, prunedAt: 0 });

function sweep(now: number): void {
  for (const [id, job] of local.jobs) {
    if (job.view.finishedAt !== null && now - job.view.finishedAt > KEEP_LOCAL_MS) local.jobs.delete(id);
  }
}

/** One beat for every job running here; a beat that fails (database busy) is logged and the next one tries again. */
async function beatAll(): Promise<void> {
  if (local.beating) return;
  local.beating = true;
  try {
    let running = 0;
    for (const job of local.jobs.values()) {
      if (job.view.status !== "running") continue;
      running++;
      const result = job.resultDirty ? resultText(job.view.id, job.view.result) : undefined;
      job.resultDirty = false;
      try {
        const asked = await beat(job.view.id, job.view.progress, result);
        if (asked) {
          job.cancelledBy ??= asked.cancelledBy || null;
          job.controller.abort();
        }
      } catch (error) {
        if (result !== undefined) job.resultDirty = true;
        console.error(`Job ${job.view.id}: could not write its progress`, error);
      }
    }
    if (running === 0 && local.timer) {
      clearInterval(local.timer);
      local.timer = null;
    }
  } finally {
    local.beating = false;
  }
}

function ensureBeating(): void {
  if (local.timer) return;
  local.timer = setInterval(() => void beatAll(), BEAT_MS);
  local.timer.unref();
}

/** Marks the jobs of dead instances interrupted and drops old rows; at start, and at most once a minute as jobs start. */
export async function pruneJobs(): Promise<void> {
  local.prunedAt = Date.now();
  const { interrupted } = await pruneJobRows(local.prunedAt);
  if (interrupted > 0) console.log(`${interrupted} job(s) of a stopped instance marked interrupted.`);
}

interface JobOptions {
  kind: JobKind;
  connectionId: string;
  userId: string;
  total: number | null;
  /** What the job works on, for the Jobs tab (see `JobListEntry.target`); null or absent: the whole database. */
  target?: string | null;
}

/**
 * A job whose work the caller drives (an export runs as its response is pulled): its row exists and beats
 * from here on; `control.signal` aborts on a cancel from any instance or on `abort()`, and `end` records the
 * outcome once: cancelled when the signal aborted, else error when given one, else done.
 */
interface OpenJob<R> {
  id: string;
  control: JobControl<R>;
  abort(): void;
  end(outcome: JobEnding<R>, finish?: (view: JobView<R>, ended: JobEnded) => Promise<void>): Promise<void>;
}

/** How the work ended: its result (left out: the last one published), and the error it threw, if any. */
interface JobEnding<R> {
  result?: R;
  error?: unknown;
}

export async function openJob<R>(options: JobOptions): Promise<OpenJob<R>> {
  const now = Date.now();
  sweep(now);
  if (now - local.prunedAt > PRUNE_EVERY_MS) await pruneJobs().catch((error: unknown) => console.error("Job prune failed:", error));
  const controller = new AbortController();
  const view: JobView<R> = {
    id: randomUUID(),
    kind: options.kind,
    status: "running",
    progress: { scanned: 0, matched: 0, affected: 0, total: options.total },
    result: null,
    error: null,
    startedAt: now,
    finishedAt: null,
  };
  await insertRow(view, options);
  const job: LocalJob = { view: view as JobView<unknown>, connectionId: options.connectionId, userId: options.userId, controller, resultDirty: false, cancelledBy: null };
  local.jobs.set(view.id, job);
  ensureBeating();
  const control: JobControl<R> = {
    signal: controller.signal,
    progress: (update) => Object.assign(view.progress, update),
    publish: (result) => {
      view.result = result;
      job.resultDirty = true;
    },
  };
  let ended = false;
  const end = async ({ result, error }: JobEnding<R>, finish?: (view: JobView<R>, ended: JobEnded) => Promise<void>): Promise<void> => {
    if (ended) return;
    ended = true;
    const outcome: JobView<R> = { ...view, result: result === undefined ? view.result : result, progress: { ...view.progress }, finishedAt: Date.now() };
    if (controller.signal.aborted) outcome.status = "cancelled";
    else if (error !== undefined) {
      outcome.status = "error";
      outcome.error = isDriverError(error)
        ? { code: error.code, message: error.message }
        : { code: "INTERNAL", message: "Unexpected server error; the server log has the details." };
      if (!isDriverError(error)) console.error(error);
    } else outcome.status = "done";
    const cancelledBy = outcome.status === "cancelled" ? job.cancelledBy : null;
    try {
      await finish?.(outcome, { cancelledBy });
    } catch (failure) {
      console.error(failure);
    }
    try {
      await finishRow(outcome, resultText(view.id, outcome.result), cancelledBy);
    } catch (failure) {
      // Other instances will read it as interrupted once its heartbeat is stale; this one still knows the outcome.
      console.error(`Job ${view.id}: could not record its outcome`, failure);
    }
    Object.assign(view, outcome);
  };
  return { id: view.id, control, abort: () => controller.abort(), end };
}

/**
 * Starts `work` in the background and returns the job id once its row exists (so any instance can read it).
 * `finish` runs after the work ended, whatever the outcome (that is where namespace operations write their
 * one audit entry), before the outcome is published (row first, then this process's view): whoever sees the job ended sees
 * its audit entry too.
 */
export async function startJob<R>(
  options: JobOptions & {
    work: (control: JobControl<R>) => Promise<R>;
    finish?: (view: JobView<R>, ended: JobEnded) => Promise<void>;
  },
): Promise<string> {
  const job = await openJob<R>(options);
  void (async () => {
    let ending: JobEnding<R>;
    try {
      ending = { result: await options.work(job.control) };
    } catch (error) {
      ending = { error };
    }
    await job.end(ending, options.finish);
  })();
  return job.id;
}

/** The job as its owner sees it; null when it does not exist, belongs to another connection or user. */
export async function readJob(connectionId: string, jobId: string, userId: string): Promise<JobView | null> {
  const job = local.jobs.get(jobId);
  if (job) return job.connectionId === connectionId && job.userId === userId ? job.view : null;
  return readRow(connectionId, jobId, userId);
}

/**
 * Asks a running job to stop, wherever it runs, when `mayCancelJob` lets the caller (its owner, or an admin);
 * true when there was one to stop.
 */
export async function cancelJob(connectionId: string, jobId: string, user: { id: string; role: string }): Promise<boolean> {
  const allowed = (ownerId: string) => mayCancelJob(user, ownerId);
  const job = local.jobs.get(jobId);
  if (!job) return requestCancel(connectionId, jobId, user.id, allowed);
  if (job.connectionId !== connectionId || !allowed(job.userId) || job.view.status !== "running") return false;
  // Running here: stop at once rather than at the next beat; the flag only tells the row why it stopped.
  job.cancelledBy ??= user.id;
  job.controller.abort();
  await requestCancel(connectionId, jobId, user.id, allowed).catch((error: unknown) => console.error(`Job ${jobId}: could not flag the cancel`, error));
  return true;
}

/** Finished rows are kept an hour (./job-rows); the list shows them all, and at most this many jobs. */
const LIST_FINISHED_MS = 60 * 60_000;
const LIST_LIMIT = 200;

/** The running and recently finished jobs of a connection profile (all its databases), read from the rows, as `user` sees them. */
export async function listJobs(profileId: string, user: { id: string; role: string }): Promise<JobList> {
  const rows = await listRows(profileId, LIST_FINISHED_MS, LIST_LIMIT);
  const userIds = [...new Set(rows.flatMap((row) => (row.cancelledBy ? [row.ownerId, row.cancelledBy] : [row.ownerId])))];
  const people = new Map((await db().user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } })).map((u) => [u.id, u]));
  // Email and name are null for an account that no longer exists.
  const person = (id: string) => ({ id, email: people.get(id)?.email ?? null, name: people.get(id)?.name ?? null });
  const entries = rows.map(({ connectionId, ownerId, cancelRequested, cancelledBy, ...view }): JobListEntry => {
    return {
      ...view,
      cancelledBy: cancelledBy ? person(cancelledBy) : null,
      scope: connectionId,
      database: parseConnectionRef(connectionId).db,
      owner: person(ownerId),
      mine: ownerId === user.id,
      cancelRequested,
      canCancel: view.status === "running" && mayCancelJob(user, ownerId),
    };
  });
  return {
    running: entries.filter((entry) => entry.status === "running"),
    finished: entries.filter((entry) => entry.status !== "running").sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0)),
    readAt: Date.now(),
  };
}

/** A job of `kind` running on the connection in any instance, and whose it is. */
export async function runningJob(connectionId: string, kind: JobKind): Promise<{ jobId: string; userId: string } | null> {
  const row = await runningRow(connectionId, kind);
  return row && { jobId: row.id, userId: row.ownerId };
}

/** For a job's audit entry: `{ cancelledBy: <email> }` when someone stopped it (the id when the account is gone). */
export async function cancelDetail(ended: JobEnded): Promise<{ cancelledBy?: string }> {
  if (!ended.cancelledBy) return {};
  const user = await db().user.findUnique({ where: { id: ended.cancelledBy }, select: { email: true } });
  return { cancelledBy: user?.email ?? ended.cancelledBy };
}
