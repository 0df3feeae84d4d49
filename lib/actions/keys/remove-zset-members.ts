"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z
  .object({
    connectionId: connectionIdSchema,
    key: bytesSchema,
    members: z.array(bytesSchema).min(1).max(1000),
    /** Each member's score as the editor loaded it, same order: a score changed since is a CONFLICT. */
    expected: z.array(z.number()).max(1000),
  })
  .refine((i) => i.expected.length === i.members.length, { message: "One expected score per member.", path: ["expected"] });

export const removeZsetMembers = defineAction({
  name: "keys.zset-remove",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, members, expected }, ctx) => {
    ctx.audit.detail = { count: members.length };
    const removed = await changeKey(ctx, key, (driver) => collectionsOf(driver).zsetRemove(key, members, { expect: expected }));
    return { removed };
  },
});
