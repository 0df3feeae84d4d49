"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../browser/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  value: bytesSchema,
  /** As LREM: how many occurrences, 0 for all, negative from the tail. */
  count: z.number().int(),
});

export const removeListItems = defineAction({
  name: "keys.list-remove",
  input,
  role: "editor",
  audited: true,
  connection: "write",
  run: async ({ key, value, count }, ctx) => {
    ctx.audit.detail = { count };
    const removed = await changeKey(ctx, key, (driver) => collectionsOf(driver).listRemove(key, value, count));
    return { removed };
  },
});
