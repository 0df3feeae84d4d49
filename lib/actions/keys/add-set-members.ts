"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  members: z.array(bytesSchema).min(1).max(1000),
  /** The member as it was loaded, when the edit replaces it: gone by now is a CONFLICT. */
  replaces: bytesSchema.optional(),
});

export const addSetMembers = defineAction({
  name: "keys.set-add",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, members, replaces }, ctx) => {
    ctx.audit.detail = { count: members.length };
    const added = await changeKey(ctx, key, (driver) => collectionsOf(driver).setAdd(key, members, { replaces }));
    return { added };
  },
});
