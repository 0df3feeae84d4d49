"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { passwordProblem } from "../../auth/password";
import { isLoopback } from "../../auth/request-origin";
import { startSession } from "../../auth/session";
import { discardSetupToken, setupTokenMatches } from "../../auth/setup-token";
import { createFirstAdmin } from "../../users/first-admin";
import { definePublicAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { emailSchema } from "../schemas";

const input = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(100).optional(),
    password: z.string().max(200),
    confirm: z.string(),
    setupToken: z.string().max(200).optional(),
  })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password);
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
    if (value.password !== value.confirm) ctx.addIssue({ code: "custom", path: ["confirm"], message: "The passwords differ." });
  });

export const createFirstAdminAccount = definePublicAction({
  name: "users.create-first-admin",
  input,
  run: async ({ email, name, password, setupToken }, ctx) => {
    ctx.audit.detail = { email, role: "admin" };
    // From the server's own machine the operator is the one asking; from anywhere else they must prove it.
    if (!isLoopback(ctx.clientAddress) && !setupTokenMatches(setupToken)) {
      throw new Refusal(
        "SETUP_TOKEN",
        setupToken ? "That is not the setup token." : "Enter the setup token printed on the server's console.",
      );
    }
    const user = await createFirstAdmin(email, password, name || null);
    if (!user) throw new Refusal("FORBIDDEN", "An admin account exists already. Sign in instead.");
    discardSetupToken();
    ctx.audit.actor = { id: user.id, email: user.email };
    await startSession(user.id);
    redirect("/");
  },
});
