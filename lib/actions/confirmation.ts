import "server-only";
import { z } from "zod";
import { type ConnectionActionContext } from "./define-action";
import { Refusal } from "../server/refusal";

/** The typed confirmation as it travels; key names can be long, so only a generous cap. */
export const confirmationSchema = z.string().max(4 * 1024 * 1024).optional();

/**
 * A destructive change on a production connection needs the text the dialog asked the person to type; the
 * server checks it, so no client can skip the dialog. Refused with CONFIRMATION_REQUIRED (and audited as such).
 */
export function requireConfirmation(ctx: ConnectionActionContext, given: string | undefined, expected: string): void {
  if (ctx.connection.profile.environment !== "production" || given === expected) return;
  throw new Refusal("CONFIRMATION_REQUIRED", `This is a production connection: type "${expected}" to confirm.`);
}
