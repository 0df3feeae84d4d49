"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../browser/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  index: z.number().int(),
  value: bytesSchema,
});

export const setListItem = defineAction({
  name: "keys.list-set",
  input,
  role: "editor",
  audited: true,
  connection: "write",
  run: async ({ key, index, value }, ctx) => {
    ctx.audit.detail = { index };
    await changeKey(ctx, key, (driver) => collectionsOf(driver).listSet(key, index, value));
    return { saved: true };
  },
});
