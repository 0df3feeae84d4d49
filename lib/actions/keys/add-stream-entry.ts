"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  /** "*" lets the server choose the id. */
  id: z.string().regex(/^(\*|\d+(-(\d+|\*))?)$/, "An entry id is * or <ms>-<seq>"),
  fields: z.array(z.object({ field: bytesSchema, value: bytesSchema })).min(1).max(1000),
});

export const addStreamEntry = defineAction({
  name: "keys.stream-add",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, id, fields }, ctx) => {
    ctx.audit.detail = { id };
    const added = await changeKey(ctx, key, (driver) => collectionsOf(driver).streamAdd(key, id, fields));
    return { id: added };
  },
});
