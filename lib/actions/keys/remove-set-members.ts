"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  members: z.array(bytesSchema).min(1).max(1000),
});

export const removeSetMembers = defineAction({
  name: "keys.set-remove",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, members }, ctx) => {
    ctx.audit.detail = { count: members.length };
    const removed = await changeKey(ctx, key, (driver) => collectionsOf(driver).setRemove(key, members));
    return { removed };
  },
});
