"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ROLES } from "../../auth/roles";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { keepAnAdmin } from "./last-admin";

const input = z.object({
  id: z.string().min(1).max(64),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  name: z.string().trim().max(100).optional(),
});

/** Changes a user's role, name, or disables/enables the account. Disabling ends their sessions. */
export const updateUser = defineAction({
  name: "users.update",
  input,
  permission: "users.manage",
  audited: true,
  run: async ({ id, role, disabled, name }, ctx) => {
    const user = await db().user.findUnique({ where: { id } });
    if (!user) throw new Refusal("NOT_FOUND", "That user does not exist.");
    ctx.audit.detail = { email: user.email, ...(role ? { role, previousRole: user.role } : {}), ...(disabled !== undefined ? { disabled } : {}) };
    const losesAdmin = user.role === "admin" && !user.disabled && ((role !== undefined && role !== "admin") || disabled === true);
    if (losesAdmin) await keepAnAdmin(user.id, disabled ? "disabling it" : "demoting it");
    await db().user.update({
      where: { id },
      data: { ...(role ? { role } : {}), ...(disabled !== undefined ? { disabled } : {}), ...(name !== undefined ? { name: name || null } : {}) },
    });
    if (disabled) await db().session.deleteMany({ where: { userId: id } });
    revalidatePath("/users");
    return { id };
  },
});
