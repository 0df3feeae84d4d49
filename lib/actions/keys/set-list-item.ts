"use server";

import { z } from "zod";
import { changeKey, collectionsOf, expectationOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  index: z.number().int(),
  value: bytesSchema,
  /** The element at `index` as the editor loaded it: another element there now is a CONFLICT. */
  expected: bytesSchema,
});

export const setListItem = defineAction({
  name: "keys.list-set",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, index, value, expected }, ctx) => {
    ctx.audit.detail = { index };
    await changeKey(ctx, key, (driver) => collectionsOf(driver).listSet(key, index, value, { expect: expectationOf(expected) }));
    return { saved: true };
  },
});
