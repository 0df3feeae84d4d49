"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { burnPasswordCheck, verifyPassword } from "../../auth/password";
import { startSession } from "../../auth/session";
import { safeNextPath } from "../../auth/next-path";
import { beginSignInAttempt } from "../../auth/throttle";
import { db } from "../../db";
import { definePublicAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { emailSchema } from "../schemas";

const input = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(200),
  next: z.string().optional(),
});

export const signIn = definePublicAction({
  name: "auth.sign-in",
  input,
  run: async ({ email, password, next }, ctx) => {
    ctx.audit.detail = { email };
    const attempt = await beginSignInAttempt(email, ctx.clientAddress);
    if (!attempt.allowed) {
      const minutes = Math.max(1, Math.ceil((attempt.retryAt.getTime() - Date.now()) / 60_000));
      throw new Refusal("RATE_LIMITED", `Too many failed sign-ins. Try again in ${minutes} minute(s).`);
    }
    const user = await db().user.findUnique({ where: { email } });
    const valid = user ? await verifyPassword(password, user.passwordHash) : (await burnPasswordCheck(password), false);
    if (!user || !valid || user.disabled) {
      throw new Refusal("AUTH_FAILED", user?.disabled && valid ? "This account is disabled." : "Wrong email or password.");
    }
    await attempt.succeeded();
    ctx.audit.actor = { id: user.id, email: user.email };
    await startSession(user.id);
    redirect(safeNextPath(next));
  },
});
