"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  ids: z.array(z.string().regex(/^\d+-\d+$/)).min(1).max(1000),
});

export const deleteStreamEntries = defineAction({
  name: "keys.stream-delete",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, ids }, ctx) => {
    ctx.audit.detail = { ids };
    const removed = await changeKey(ctx, key, (driver) => collectionsOf(driver).streamDelete(key, ids));
    return { removed };
  },
});
