"use server";

import { revalidatePath } from "next/cache";
import { profileFields } from "../../connections/profile-input";
import { createProfile } from "../../connections/store";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";

export const createConnection = defineAction({
  name: "connections.create",
  input: profileFields,
  permission: "connections.manage",
  audited: true,
  run: async (fields, ctx) => {
    ctx.audit.detail = { name: fields.name, kind: fields.kind, environment: fields.environment, readOnly: fields.readOnly };
    if (await db().connectionProfile.findUnique({ where: { name: fields.name } })) {
      throw new Refusal("ALREADY_EXISTS", `A connection named "${fields.name}" exists already.`);
    }
    const row = await createProfile(fields);
    ctx.audit.detail.id = row.id;
    revalidatePath("/", "layout");
    return { id: row.id };
  },
});
