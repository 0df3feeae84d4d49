"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { burnPasswordCheck, verifyPassword } from "../../auth/password";
import { startSession } from "../../auth/session";
import { clearFailures, lockedUntil, recordFailure } from "../../auth/throttle";
import { db } from "../../db";
import { ActionRefusal, definePublicAction } from "../define-action";
import { emailSchema } from "../schemas";

const input = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(200),
  next: z.string().optional(),
});

/** Only same-site paths: `next` must not become an open redirect. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export const signIn = definePublicAction({
  name: "auth.sign-in",
  input,
  run: async ({ email, password, next }, ctx) => {
    const keys = [`email:${email}`, ...(ctx.clientAddress ? [`ip:${ctx.clientAddress}`] : [])];
    ctx.audit.detail = { email };
    const until = await lockedUntil(keys);
    if (until) {
      const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
      throw new ActionRefusal("RATE_LIMITED", `Too many failed sign-ins. Try again in ${minutes} minute(s).`);
    }
    const user = await db().user.findUnique({ where: { email } });
    const valid = user ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
    if (!user || !valid || user.disabled) {
      await recordFailure(keys);
      throw new ActionRefusal("AUTH_FAILED", user?.disabled && valid ? "This account is disabled." : "Wrong email or password.");
    }
    await clearFailures(keys);
    ctx.audit.actor = { id: user.id, email: user.email };
    await startSession(user.id);
    redirect(safeNext(next));
  },
});
