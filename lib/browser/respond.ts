import "server-only";
import { NextResponse } from "next/server";
import { isDriverError } from "../drivers/errors";

const STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  UNSUPPORTED: 400,
  CONNECTION_REFUSED: 502,
  AUTH_FAILED: 502,
  TIMEOUT: 504,
  PLUGIN_MISSING: 502,
  SECRET_UNREADABLE: 409,
};

/** `{ ok: false, code, message }` with a status that says whose fault it was, for the browser's error states. */
export function errorResponse(code: string, message: string): NextResponse {
  return NextResponse.json({ ok: false, code, message }, { status: STATUS[code] ?? 500 });
}

/** Turns a thrown driver error into its error response; anything else is logged and answered as INTERNAL. */
export function failureResponse(error: unknown): NextResponse {
  if (isDriverError(error)) return errorResponse(error.code, error.message);
  console.error(error);
  return errorResponse("INTERNAL", "Unexpected server error; the server log has the details.");
}
