"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../browser/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  field: bytesSchema,
  value: bytesSchema,
  /** The field as it was loaded, when the edit renames it. */
  previousField: bytesSchema.optional(),
});

export const setHashField = defineAction({
  name: "keys.hash-set",
  input,
  role: "editor",
  audited: true,
  connection: "write",
  run: async ({ key, field, value, previousField }, ctx) => {
    ctx.audit.detail = { field: field.toString("base64") };
    await changeKey(ctx, key, async (driver) => {
      const ops = collectionsOf(driver);
      await ops.hashSet(key, field, value);
      if (previousField && !previousField.equals(field)) await ops.hashDelete(key, [previousField]);
    });
    return { saved: true };
  },
});
