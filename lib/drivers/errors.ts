/**
 * The one error type every driver throws. `code` is stable and is what the UI, the actions and the
 * tests branch on; `message` is for people.
 */
import type { DriverErrorCode } from "../wire/errors";

export { DRIVER_ERROR_CODES, type DriverErrorCode } from "../wire/errors";

/**
 * Next.js bundles a module once per server layer (route handlers, server actions), while drivers are
 * pooled process-wide: an error thrown by a driver one layer created is an instance of the other layer's
 * copy of this class. A registry-wide symbol brand makes `instanceof` hold across those copies.
 */
const BRAND = Symbol.for("cacheboard.DriverError");

export class DriverError extends Error {
  readonly code: DriverErrorCode;

  constructor(code: DriverErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DriverError";
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function isDriverError(error: unknown): error is DriverError {
  return error instanceof DriverError;
}

/** What is stored now where a collection edit expected something else: the element's bytes or a member's score. */
export interface StoredVersion {
  /** The hash field or sorted-set member the conflict is about (an edit may touch two). */
  element?: Buffer;
  /** Field value or list element; null when the field, index or member is gone. */
  value?: Buffer | null;
  /** Sorted-set score; null when the member is gone. */
  score?: number | null;
}

/**
 * A refused collection edit (`CONFLICT`) that carries the stored version, so the editor can be shown both
 * versions without a second read that could already be stale.
 */
export class ConflictError extends DriverError {
  readonly stored: StoredVersion;

  constructor(message: string, stored: StoredVersion) {
    super("CONFLICT", message);
    this.stored = stored;
  }
}

export function isConflictError(error: unknown): error is ConflictError {
  return isDriverError(error) && error.code === "CONFLICT" && "stored" in error;
}
