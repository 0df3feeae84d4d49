"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../browser/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  fields: z.array(bytesSchema).min(1).max(1000),
});

export const deleteHashFields = defineAction({
  name: "keys.hash-delete",
  input,
  role: "editor",
  audited: true,
  connection: "write",
  run: async ({ key, fields }, ctx) => {
    ctx.audit.detail = { count: fields.length };
    const removed = await changeKey(ctx, key, (driver) => collectionsOf(driver).hashDelete(key, fields));
    return { removed };
  },
});
