"use server";

import { z } from "zod";
import { currentUser } from "../../auth/session";
import { hashPassword, passwordProblem, verifyPassword } from "../../auth/password";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";

const input = z
  .object({ current: z.string().min(1, "Enter your current password.").max(200), password: z.string().max(200), confirm: z.string() })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password);
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
    if (value.password !== value.confirm) ctx.addIssue({ code: "custom", path: ["confirm"], message: "The passwords differ." });
  });

/** Changes the signed-in user's own password; their other sessions end, this one stays. */
export const changePassword = defineAction({
  name: "account.change-password",
  input,
  permission: "account.manage",
  audited: true,
  run: async ({ current, password }, ctx) => {
    const user = await db().user.findUniqueOrThrow({ where: { id: ctx.user.id } });
    if (!(await verifyPassword(current, user.passwordHash))) throw new Refusal("AUTH_FAILED", "The current password is wrong.");
    await db().user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() } });
    const session = await currentUser();
    await db().session.deleteMany({ where: { userId: user.id, ...(session ? { id: { not: session.sessionId } } : {}) } });
    return { changed: true };
  },
});
