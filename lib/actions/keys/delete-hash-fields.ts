"use server";

import { z } from "zod";
import { changeKey, collectionsOf, expectationOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z
  .object({
    connectionId: connectionIdSchema,
    key: bytesSchema,
    fields: z.array(bytesSchema).min(1).max(1000),
    /** Each field's value as the editor loaded it, same order: a field changed since is a CONFLICT. */
    expected: z.array(bytesSchema).max(1000),
  })
  .refine((i) => i.expected.length === i.fields.length, { message: "One expected value per field.", path: ["expected"] });

export const deleteHashFields = defineAction({
  name: "keys.hash-delete",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, fields, expected }, ctx) => {
    ctx.audit.detail = { count: fields.length };
    const expect = expected.map(expectationOf);
    const removed = await changeKey(ctx, key, (driver) => collectionsOf(driver).hashDelete(key, fields, { expect }));
    return { removed };
  },
});
