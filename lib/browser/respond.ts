import "server-only";
import { NextResponse } from "next/server";
import { isDriverError } from "../drivers/errors";

/**
 * The one table from an error code to an HTTP status, for every route handler: the client's fault (4xx),
 * the cache server's (502/504), or ours (500 for anything not listed).
 */
const STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNSUPPORTED: 400,
  FORBIDDEN: 403,
  READ_ONLY: 403,
  NOT_FOUND: 404,
  WRONG_TYPE: 409,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  SECRET_UNREADABLE: 409,
  TOO_LARGE: 413,
  CANCELLED: 499,
  CONNECTION_REFUSED: 502,
  AUTH_FAILED: 502,
  TLS_FAILED: 502,
  PROTOCOL_ERROR: 502,
  SERVER_ERROR: 502,
  TIMEOUT: 504,
  PLUGIN_MISSING: 502,
};

/** `{ ok: false, code, message }` with a status that says whose fault it was, for the browser's error states. */
export function errorResponse(code: string, message: string): NextResponse {
  return NextResponse.json({ ok: false, code, message }, { status: STATUS[code] ?? 500, headers: { "cache-control": "no-store" } });
}

/** Turns a thrown driver error into its error response; anything else is logged and answered as INTERNAL. */
export function failureResponse(error: unknown): NextResponse {
  if (isDriverError(error)) return errorResponse(error.code, error.message);
  console.error(error);
  return errorResponse("INTERNAL", "Unexpected server error; the server log has the details.");
}
