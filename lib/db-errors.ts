/**
 * Failures of the app's own database (SQLite locked or read-only, PostgreSQL unreachable), as opposed to a
 * bug: the person gets a clear "database unavailable" instead of a bare 500, and no change is made whose
 * audit entry could not be written.
 */
export const DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE" as const;

export const DATABASE_UNAVAILABLE_MESSAGE =
  "The Cacheboard database is unavailable (locked, read-only or unreachable), so nothing was changed. Try again shortly.";

/** Prisma's codes for a database it cannot reach, lock or write in time. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const MESSAGES =
  /SQLITE_(BUSY|LOCKED|READONLY|CANTOPEN|FULL|IOERR|PERM)|database is locked|readonly database|disk I\/O error|database or disk is full|unable to open database|ECONNREFUSED|Can't reach database server|Connection terminated/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (typeof cause !== "object") return false;
    const { code, name, message } = cause as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === "string" && (code === DATABASE_UNAVAILABLE || PRISMA_CODES.has(code) || /^SQLITE_/.test(code))) return true;
    if (name === "PrismaClientInitializationError") return true;
    if (typeof message === "string" && MESSAGES.test(message)) return true;
  }
  return false;
}

/**
 * Thrown where a database failure must reach the person as DATABASE_UNAVAILABLE. Next.js keeps an error's
 * own `digest` when it passes a server error to an error boundary (it hides the message in production), so
 * the boundary can tell this failure from a bug.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = DATABASE_UNAVAILABLE;
  readonly digest = DATABASE_UNAVAILABLE;

  constructor(options?: { cause?: unknown }) {
    super(DATABASE_UNAVAILABLE_MESSAGE, options);
    this.name = "DatabaseUnavailableError";
  }
}
