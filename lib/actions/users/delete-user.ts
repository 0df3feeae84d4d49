"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { keepAnAdmin } from "./last-admin";

/** Removes an account; its audit entries stay, carrying the email they were made under. */
export const deleteUser = defineAction({
  name: "users.delete",
  input: z.object({ id: z.string().min(1).max(64) }),
  permission: "users.manage",
  audited: true,
  run: async ({ id }, ctx) => {
    const user = await db().user.findUnique({ where: { id } });
    if (!user) throw new Refusal("NOT_FOUND", "That user does not exist.");
    ctx.audit.detail = { email: user.email, role: user.role };
    if (user.id === ctx.user.id) throw new Refusal("FORBIDDEN", "You cannot remove your own account.");
    if (user.role === "admin") await keepAnAdmin(user.id, "removing it");
    await db().user.delete({ where: { id } });
    revalidatePath("/users");
    return { id };
  },
});
