"use server";

import { z } from "zod";
import { changeKey, collectionsOf, expectationOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  field: bytesSchema,
  value: bytesSchema,
  /** The edited field's value as the editor loaded it; null for a field the editor is adding. */
  expected: bytesSchema.nullable(),
  /** The field as it was loaded, when the edit renames it. */
  previousField: bytesSchema.optional(),
});

/**
 * Sets one hash field only when it still holds what the editor saw; otherwise CONFLICT with the stored
 * value, and nothing is written. A rename also needs the new name to be free.
 */
export const setHashField = defineAction({
  name: "keys.hash-set",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, field, value, expected, previousField }, ctx) => {
    ctx.audit.detail = { field: field.toString("base64") };
    const renames = previousField !== undefined && !previousField.equals(field);
    await changeKey(ctx, key, (driver) =>
      collectionsOf(driver).hashSet(key, field, value, {
        expect: expectationOf(renames ? null : expected),
        replaces: renames ? { field: previousField, expect: expectationOf(expected) } : undefined,
      }),
    );
    return { saved: true };
  },
});
