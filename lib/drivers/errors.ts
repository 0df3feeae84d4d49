/**
 * The one error type every driver throws. `code` is stable and is what the UI, the actions and the
 * tests branch on; `message` is for people.
 */
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
] as const;

export type DriverErrorCode = (typeof DRIVER_ERROR_CODES)[number];

export class DriverError extends Error {
  readonly code: DriverErrorCode;

  constructor(code: DriverErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DriverError";
    this.code = code;
  }
}

export function isDriverError(error: unknown): error is DriverError {
  return error instanceof DriverError;
}
