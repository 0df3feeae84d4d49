/**
 * Every error code Cacheboard answers with, in one union: drivers throw a subset, server actions refuse
 * with another, route handlers answer with any of them, and the browser branches on them (the words for
 * people are in `lib/error-text.ts`). Client-safe: no server imports.
 */

/** What a cache driver can fail with (see `lib/drivers/errors.ts`). */
export const DRIVER_ERROR_CODES = [
  "CONNECTION_REFUSED",
  "TIMEOUT",
  "AUTH_FAILED",
  "TLS_FAILED",
  "WRONG_TYPE",
  "NOT_FOUND",
  "CONFLICT",
  "ALREADY_EXISTS",
  "READ_ONLY",
  "TOO_LARGE",
  "INVALID_ARGUMENT",
  "UNSUPPORTED",
  "CANCELLED",
  "FORBIDDEN",
  "PROTOCOL_ERROR",
  "SERVER_ERROR",
  /** The server answers but lacks what remote access needs (uWSGI without its `cache` plugin). */
  "PLUGIN_MISSING",
  /** The profile's stored secrets cannot be opened with the current key; an admin must re-enter them. */
  "SECRET_UNREADABLE",
] as const;

export type DriverErrorCode = (typeof DRIVER_ERROR_CODES)[number];

/** What the app itself refuses or fails with, beyond what a driver says. */
const APP_ERROR_CODES = [
  /** No session (401). */
  "UNAUTHENTICATED",
  /** A state-changing request from another site (403). */
  "CROSS_ORIGIN",
  /** Cacheboard's own database is locked, read-only or unreachable: nothing was changed (503). */
  "DATABASE_UNAVAILABLE",
  /** A production connection's write needs the typed confirmation. */
  "CONFIRMATION_REQUIRED",
  /** Too many sign-in attempts. */
  "RATE_LIMITED",
  /** Removing or demoting the last admin. */
  "LAST_ADMIN",
  /** A connection declared in the deployment's connections file is changed there, not here. */
  "MANAGED",
  /** A connection setting needs a secret that was not given. */
  "SECRET_REQUIRED",
  /** An audit entry cannot be undone (no snapshot, or a kind of change without an inverse). */
  "NOT_UNDOABLE",
  /** The snapshot needed for an undo was cut at the audit size limit. */
  "TRUNCATED",
  /** Creating the first admin from anywhere but loopback needs the setup token. */
  "SETUP_TOKEN",
  /** A bug: the server log has the details (500). */
  "INTERNAL",
] as const;

/** Codes the browser makes up itself: no answer reached it, or a form caught the mistake first. */
const CLIENT_ERROR_CODES = ["NETWORK", "KEY_REQUIRED"] as const;

export type ErrorCode = DriverErrorCode | (typeof APP_ERROR_CODES)[number] | (typeof CLIENT_ERROR_CODES)[number];

/** A failure as it crosses the wire: `{ ok: false, code, message }`. */
export interface WireFailure {
  ok: false;
  code: ErrorCode;
  message: string;
}

/**
 * The one table from an error code to an HTTP status, for every route handler: the client's fault (4xx),
 * the cache server's (502/504), Cacheboard's database (503), or ours (500 for anything not listed).
 */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  UNSUPPORTED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  READ_ONLY: 403,
  CROSS_ORIGIN: 403,
  CONFIRMATION_REQUIRED: 403,
  MANAGED: 403,
  SETUP_TOKEN: 403,
  NOT_FOUND: 404,
  WRONG_TYPE: 409,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  SECRET_UNREADABLE: 409,
  LAST_ADMIN: 409,
  NOT_UNDOABLE: 409,
  TRUNCATED: 409,
  SECRET_REQUIRED: 400,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  CANCELLED: 499,
  CONNECTION_REFUSED: 502,
  AUTH_FAILED: 502,
  TLS_FAILED: 502,
  PROTOCOL_ERROR: 502,
  SERVER_ERROR: 502,
  PLUGIN_MISSING: 502,
  DATABASE_UNAVAILABLE: 503,
  TIMEOUT: 504,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 500;
}

const KNOWN = new Set<string>([...DRIVER_ERROR_CODES, ...APP_ERROR_CODES, ...CLIENT_ERROR_CODES]);

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && KNOWN.has(value);
}

/**
 * The one error class the browser throws for a failed request to a route handler, carrying the stable code.
 * An answer without a readable body (a proxy's 502 page) becomes INTERNAL with the status in the message.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number = 0,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Reads a route handler's JSON answer; throws `ApiError` for a failure or an unreadable body. */
export async function readReply<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as (T & Partial<WireFailure>) | null;
  if (!response.ok || !body || body.ok === false) {
    const code = isErrorCode(body?.code) ? body.code : "INTERNAL";
    throw new ApiError(code, body?.message ?? `The server answered ${response.status}.`, response.status);
  }
  return body;
}
