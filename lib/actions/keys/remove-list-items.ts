"use server";

import { z } from "zod";
import { changeKey, collectionsOf, expectationOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  index: z.number().int(),
  /** The element at `index` as the editor loaded it: another element there now is a CONFLICT. */
  expected: bytesSchema,
});

/** Removes the list element the editor picked, by position, only when it is still the one they saw. */
export const removeListItems = defineAction({
  name: "keys.list-remove",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, index, expected }, ctx) => {
    ctx.audit.detail = { index };
    await changeKey(ctx, key, (driver) => collectionsOf(driver).listRemoveAt(key, index, expectationOf(expected)));
    return { removed: 1 };
  },
});
