"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { deleteProfile } from "../../connections/store";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { connectionIdSchema } from "../schemas";

export const deleteConnection = defineAction({
  name: "connections.delete",
  input: z.object({ id: connectionIdSchema }),
  permission: "connections.manage",
  audited: true,
  run: async ({ id }, ctx) => {
    ctx.audit.detail = { id };
    const row = await db().connectionProfile.findUnique({ where: { id } });
    if (!row) throw new Refusal("NOT_FOUND", "That connection does not exist.");
    ctx.audit.detail = { id, name: row.name, kind: row.kind };
    if (row.managed) throw new Refusal("MANAGED", `"${row.name}" is declared in the deployment's connections file; remove it there.`);
    await deleteProfile(id);
    revalidatePath("/", "layout");
    return { id };
  },
});
