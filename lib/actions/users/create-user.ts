"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { hashPassword, passwordProblem } from "../../auth/password";
import { ROLES } from "../../auth/roles";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { emailSchema } from "../schemas";

const input = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(100).optional(),
    role: z.enum(ROLES),
    password: z.string().max(200),
  })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value.password);
    if (problem) ctx.addIssue({ code: "custom", path: ["password"], message: problem });
  });

export const createUser = defineAction({
  name: "users.create",
  input,
  permission: "users.manage",
  audited: true,
  run: async ({ email, name, role, password }, ctx) => {
    ctx.audit.detail = { email, role };
    if (await db().user.findUnique({ where: { email } })) {
      throw new Refusal("ALREADY_EXISTS", `A user with the email ${email} exists already.`);
    }
    const user = await db().user.create({
      data: { email, name: name || null, role, passwordHash: await hashPassword(password) },
    });
    revalidatePath("/users");
    return { id: user.id };
  },
});
