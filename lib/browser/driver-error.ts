import "server-only";
import { DRIVER_ERROR_CODES, DriverError, isDriverError, type DriverErrorCode } from "../drivers/errors";

/**
 * The driver error behind `error`, as this module copy's `DriverError`, or null when it is not one.
 *
 * Drivers are pooled on `globalThis`, but Next.js bundles the driver modules once per server layer (route
 * handlers, server actions): a driver first created by the other layer throws the other copy's class, which
 * `instanceof` misses, so a CONFLICT or NOT_FOUND would surface as an unexpected error.
 */
export function asDriverError(error: unknown): DriverError | null {
  if (isDriverError(error)) return error;
  if (!(error instanceof Error) || error.name !== "DriverError") return null;
  const code = (error as { code?: unknown }).code;
  if (!DRIVER_ERROR_CODES.includes(code as DriverErrorCode)) return null;
  return new DriverError(code as DriverErrorCode, error.message, { cause: error });
}
