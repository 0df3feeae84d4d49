"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { profileFields } from "../../connections/profile-input";
import { changedFields, updateProfile } from "../../connections/store";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { connectionIdSchema } from "../schemas";

export const updateConnection = defineAction({
  name: "connections.update",
  input: z.object({ id: connectionIdSchema, profile: profileFields }),
  permission: "connections.manage",
  audited: true,
  run: async ({ id, profile }, ctx) => {
    ctx.audit.detail = { id, name: profile.name };
    const row = await db().connectionProfile.findUnique({ where: { id } });
    if (!row) throw new Refusal("NOT_FOUND", "That connection does not exist.");
    if (row.managed) throw new Refusal("MANAGED", `"${row.name}" is declared in the deployment's connections file; change it there.`);
    if (profile.name !== row.name && (await db().connectionProfile.findUnique({ where: { name: profile.name } }))) {
      throw new Refusal("ALREADY_EXISTS", `A connection named "${profile.name}" exists already.`);
    }
    ctx.audit.detail.changed = changedFields(row, profile);
    await updateProfile(row, profile);
    revalidatePath("/", "layout");
    return { id };
  },
});
