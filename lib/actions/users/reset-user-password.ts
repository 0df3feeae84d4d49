"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { hashPassword, passwordProblem } from "../../auth/password";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";

const input = z
  .object({ id: z.string().min(1).max(64), password: z.string().max(200) })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password);
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  });

/** Sets a new password for someone who lost theirs, and signs them out everywhere. */
export const resetUserPassword = defineAction({
  name: "users.reset-password",
  input,
  permission: "users.manage",
  audited: true,
  run: async ({ id, password }, ctx) => {
    const user = await db().user.findUnique({ where: { id } });
    if (!user) throw new Refusal("NOT_FOUND", "That user does not exist.");
    ctx.audit.detail = { email: user.email };
    await db().user.update({ where: { id }, data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() } });
    await db().session.deleteMany({ where: { userId: id } });
    revalidatePath("/users");
    return { id };
  },
});
