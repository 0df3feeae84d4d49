import "server-only";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { db } from "../../db";
import type { ErrorCode } from "../../wire/errors";
import type { JobKind, JobProgress, JobStatus, JobView } from "../../wire/jobs";

/**
 * The `Job` rows behind lib/server/keys/jobs.ts: what any instance sharing the database reads. The instance
 * running a job rewrites its row every `BEAT_MS` (progress, partial result, heartbeat) and learns from the
 * same write whether someone asked it to stop. A running row whose heartbeat is older than `STALE_MS` belongs
 * to an instance that died: it reads, and is marked, as interrupted.
 */

/** How often the running instance writes progress and its heartbeat, and looks for a cancel request. */
export const BEAT_MS = 500;
/** A running row silent this long belongs to a dead instance (30 missed beats: a busy event loop is not death). */
const STALE_MS = 15_000;
/** Finished rows are kept this long for pages to read the outcome, then pruned. */
const KEEP_FINISHED_MS = 60 * 60_000;
/** The largest result JSON a row keeps; a larger one is stored as null (the running instance still serves it). */
const MAX_RESULT_CHARS = 1 << 20;

const holder = globalThis as unknown as { cacheboardInstanceId?: string };

/** This process, as the rows it runs name it: host, PID and a random tag (a PID can be reused). */
function instanceId(): string {
  holder.cacheboardInstanceId ??= `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  return holder.cacheboardInstanceId;
}

type JobRow = NonNullable<Awaited<ReturnType<ReturnType<typeof db>["job"]["findUnique"]>>>;

/** The row's result as JSON, or null when there is none or it is over the bound. */
export function resultText(id: string, result: unknown): string | null {
  if (result === null || result === undefined) return null;
  const text = JSON.stringify(result);
  if (text.length <= MAX_RESULT_CHARS) return text;
  console.warn(`Job ${id}: result of ${text.length} characters not stored (limit ${MAX_RESULT_CHARS}); other instances read it as empty.`);
  return null;
}

/** The longest `target` a row keeps (a namespace's display text can be as long as a key). */
const MAX_TARGET_CHARS = 300;

export async function insertRow(view: JobView, owner: { connectionId: string; userId: string; target?: string | null }): Promise<void> {
  const now = new Date(view.startedAt);
  await db().job.create({
    data: {
      id: view.id,
      kind: view.kind,
      connectionId: owner.connectionId,
      ownerId: owner.userId,
      target: owner.target ? (owner.target.length > MAX_TARGET_CHARS ? `${owner.target.slice(0, MAX_TARGET_CHARS - 1)}…` : owner.target) : null,
      status: "running",
      progress: JSON.stringify(view.progress),
      startedAt: now,
      heartbeatAt: now,
      instanceId: instanceId(),
    },
  });
}

/**
 * The running instance's beat: progress, result (when it changed) and heartbeat. It also says "running"
 * again, so a row another instance marked interrupted while this one was stalled is set right. Returns
 * who asked it to stop when someone did (an empty id when the flag was set without one), else null.
 */
export async function beat(id: string, progress: JobProgress, result: string | null | undefined): Promise<{ cancelledBy: string } | null> {
  try {
    const row = await db().job.update({
      // Never over a finished row: a beat that reaches the database after the job's outcome leaves it alone.
      where: { id, status: { in: ["running", "interrupted"] } },
      data: { progress: JSON.stringify(progress), ...(result !== undefined ? { result } : {}), heartbeatAt: new Date(), status: "running", finishedAt: null },
      select: { cancelRequested: true, cancelledBy: true },
    });
    return row.cancelRequested ? { cancelledBy: row.cancelledBy ?? "" } : null;
  } catch (error) {
    if ((error as { code?: unknown }).code === "P2025") return null;
    throw error;
  }
}

/** The job's outcome; `cancelledBy` (who stopped it) when this instance knows, which a cancel made here may not have written yet. */
export async function finishRow(view: JobView, result: string | null, cancelledBy: string | null = null): Promise<void> {
  await db().job.update({
    where: { id: view.id },
    data: {
      ...(cancelledBy ? { cancelledBy } : {}),
      status: view.status,
      progress: JSON.stringify(view.progress),
      result,
      errorCode: view.error?.code ?? null,
      errorMessage: view.error?.message ?? null,
      finishedAt: new Date(view.finishedAt ?? Date.now()),
      heartbeatAt: new Date(),
    },
  });
}

function viewOf(row: JobRow): JobView {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    status: row.status as JobStatus,
    progress: JSON.parse(row.progress) as JobProgress,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    error: row.errorCode === null ? null : { code: row.errorCode as ErrorCode, message: row.errorMessage ?? "" },
    startedAt: row.startedAt.getTime(),
    finishedAt: row.finishedAt?.getTime() ?? null,
  };
}

/** A running row whose instance went silent is marked interrupted (conditionally: a beat that arrived meanwhile wins). */
async function settled(row: JobRow): Promise<JobRow> {
  if (row.status !== "running" || row.heartbeatAt.getTime() >= Date.now() - STALE_MS) return row;
  // The last heartbeat is when it was last heard of.
  await db().job.updateMany({
    where: { id: row.id, status: "running", heartbeatAt: row.heartbeatAt },
    data: { status: "interrupted", finishedAt: row.heartbeatAt },
  });
  return { ...row, status: "interrupted", finishedAt: row.heartbeatAt };
}

/** The row as its owner sees it, a stale running one marked interrupted first; null when it is not theirs. */
export async function readRow(connectionId: string, jobId: string, userId: string): Promise<JobView | null> {
  const row = await db().job.findUnique({ where: { id: jobId } });
  if (!row || row.connectionId !== connectionId || row.ownerId !== userId) return null;
  return viewOf(await settled(row));
}

/**
 * Flags a live running row for its instance to stop, when `allowed` says its owner's job may be stopped by
 * the caller; true when there was one.
 */
export async function requestCancel(connectionId: string, jobId: string, by: string, allowed: (ownerId: string) => boolean): Promise<boolean> {
  const live = { id: jobId, connectionId, status: "running", heartbeatAt: { gte: new Date(Date.now() - STALE_MS) } };
  const row = await db().job.findFirst({ where: live, select: { ownerId: true } });
  if (!row || !allowed(row.ownerId)) return false;
  // The first to ask is the one recorded: a second cancel of a job already stopping changes nothing.
  const { count } = await db().job.updateMany({ where: { ...live, ownerId: row.ownerId, cancelRequested: false }, data: { cancelRequested: true, cancelledBy: by } });
  if (count === 0) return (await db().job.count({ where: { ...live, ownerId: row.ownerId } })) > 0;
  return count > 0;
}

/** A row as the jobs list shows it: everything but the result, which can be large and is its owner's to read. */
type ListedRow = Omit<JobView, "result"> & { connectionId: string; ownerId: string; cancelRequested: boolean; cancelledBy: string | null; target: string | null };

/**
 * The jobs of a connection profile in every database of it (`<id>` and `<id>~<db>`): the running ones and
 * those that ended in the last `withinMs`, newest first, at most `limit`; stale running rows read as interrupted.
 */
export async function listRows(profileId: string, withinMs: number, limit: number): Promise<ListedRow[]> {
  const rows = await db().job.findMany({
    where: {
      OR: [{ connectionId: profileId }, { connectionId: { startsWith: `${profileId}~` } }],
      AND: [{ OR: [{ status: "running" }, { finishedAt: { gte: new Date(Date.now() - withinMs) } }] }],
    },
    omit: { result: true },
    orderBy: { startedAt: "desc" },
    take: limit,
  });
  const listed: ListedRow[] = [];
  for (const row of rows) {
    const { result: _result, ...view } = viewOf(await settled({ ...row, result: null }));
    listed.push({ ...view, connectionId: row.connectionId, ownerId: row.ownerId, cancelRequested: row.cancelRequested, cancelledBy: row.cancelledBy, target: row.target });
  }
  return listed;
}

/** A live running job of `kind` on the connection, whichever instance runs it. */
export async function runningRow(connectionId: string, kind: JobKind): Promise<{ id: string; ownerId: string } | null> {
  return db().job.findFirst({
    where: { connectionId, kind, status: "running", heartbeatAt: { gte: new Date(Date.now() - STALE_MS) } },
    select: { id: true, ownerId: true },
    orderBy: { startedAt: "desc" },
  });
}

/**
 * Marks the running rows of dead instances interrupted and deletes rows finished long ago. Run at start
 * and now and then when a job starts; returns how many rows each step touched.
 */
export async function pruneJobRows(now = Date.now()): Promise<{ interrupted: number; deleted: number }> {
  const stale = new Date(now - STALE_MS);
  // Row by row (there are few: one per job a dead instance left), so each keeps its last heartbeat as its end.
  const dead = await db().job.findMany({ where: { status: "running", heartbeatAt: { lt: stale } }, select: { id: true, heartbeatAt: true } });
  let interrupted = 0;
  for (const row of dead) {
    const { count } = await db().job.updateMany({
      where: { id: row.id, status: "running", heartbeatAt: row.heartbeatAt },
      data: { status: "interrupted", finishedAt: row.heartbeatAt },
    });
    interrupted += count;
  }
  const { count: deleted } = await db().job.deleteMany({ where: { status: { not: "running" }, finishedAt: { lt: new Date(now - KEEP_FINISHED_MS) } } });
  return { interrupted, deleted };
}
