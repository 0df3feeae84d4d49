/** A background job as the browser polls it (GET /api/c/[id]/jobs/[jobId]); the jobs themselves run in `lib/server/keys/jobs.ts`. */
import type { ErrorCode } from "./errors";

export type JobKind = "count" | "expire" | "delete" | "top" | "analysis" | "import-preview" | "import" | "export";
/** `interrupted`: the instance running it stopped (crashed, killed) before it ended; its counts are the last it wrote. */
export type JobStatus = "running" | "done" | "cancelled" | "error" | "interrupted";

export interface JobProgress {
  /** Keys looked at so far. */
  scanned: number;
  /** Keys under the prefix so far. */
  matched: number;
  /** Keys changed so far (expired, deleted, imported); for an export, keys written to the file. */
  affected: number;
  /** Keys in the database when the job started, for a progress bar; null when the backend cannot say. */
  total: number | null;
  /**
   * The job's walk asks for a quarter of its keys per SCAN call, its server being busy (lib/connections/server-load.ts);
   * absent or false: it goes at the connection's pace.
   */
  gentle?: boolean;
}

export interface JobView<R = unknown> {
  id: string;
  kind: JobKind;
  status: JobStatus;
  progress: JobProgress;
  /** What the job produced so far (the top-N pass publishes its partial ranking while it runs). */
  result: R | null;
  error: { code: ErrorCode; message: string } | null;
  startedAt: number;
  /** When it ended; for an interrupted job, the last time its instance was heard from. */
  finishedAt: number | null;
}

/** A job as the connection's Jobs tab lists it (GET /api/c/[id]/jobs): read from its row, so any instance lists it. */
export interface JobListEntry extends Omit<JobView, "result"> {
  /** The connection reference it runs on: the profile id, or `<id>~<db>` for another database (what a cancel names). */
  scope: string;
  /** The database it works in when one was chosen with the db switcher; null: the profile's own. */
  database: number | null;
  /**
   * What it works on, as a person reads it: a namespace (`myapp:session:*`), a pattern, "12 selected keys", an
   * import's file; null for the whole database (an analysis, a whole-database export).
   */
  target: string | null;
  /** Who started it; email and name are null when the account no longer exists. */
  owner: { id: string; email: string | null; name: string | null };
  /** Started by the caller. */
  mine: boolean;
  /** Someone asked it to stop; its instance stops at its next beat. */
  cancelRequested: boolean;
  /** Who asked it to stop (the owner, or an admin); email and name are null when the account no longer exists. */
  cancelledBy: { id: string; email: string | null; name: string | null } | null;
  /** The caller may stop it (running, and theirs or the caller is an admin: `mayCancelJob`). */
  canCancel: boolean;
}

export interface JobList {
  running: JobListEntry[];
  /** Ended in the last hour (rows are kept that long), the latest first. */
  finished: JobListEntry[];
  readAt: number;
}
