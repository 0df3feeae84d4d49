"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { passwordProblem } from "../../auth/password";
import { startSession } from "../../auth/session";
import { createFirstAdmin } from "../../users/first-admin";
import { ActionRefusal, definePublicAction } from "../define-action";
import { emailSchema } from "../schemas";

const input = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(100).optional(),
    password: z.string().max(200),
    confirm: z.string(),
  })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password);
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
    if (value.password !== value.confirm) ctx.addIssue({ code: "custom", path: ["confirm"], message: "The passwords differ." });
  });

export const createFirstAdminAccount = definePublicAction({
  name: "users.create-first-admin",
  input,
  run: async ({ email, name, password }, ctx) => {
    const user = await createFirstAdmin(email, password, name || null);
    if (!user) throw new ActionRefusal("FORBIDDEN", "An admin account exists already. Sign in instead.");
    ctx.audit.actor = { id: user.id, email: user.email };
    ctx.audit.detail = { email, role: "admin" };
    await startSession(user.id);
    redirect("/");
  },
});
