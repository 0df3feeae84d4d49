import "server-only";
import type { ErrorCode } from "../wire/errors";

/**
 * The one error a server action, a route handler or a server service throws to refuse with a stable code
 * (drivers throw `DriverError`). The action and route wrappers turn it into `{ ok: false, code, message }`.
 */
export class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "Refusal";
  }
}
