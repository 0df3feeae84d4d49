"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z
  .object({
    connectionId: connectionIdSchema,
    key: bytesSchema,
    members: z.array(z.object({ member: bytesSchema, score: z.number().finite() })).min(1).max(1000),
    /** Each member's score as the editor loaded it (null: not a member then), same order as `members`. */
    expected: z.array(z.number().nullable()).max(1000),
    /** The member as it was loaded, when the edit renames it, with its score then. */
    replaces: z.object({ member: bytesSchema, score: z.number() }).optional(),
  })
  .refine((i) => i.expected.length === i.members.length, { message: "One expected score per member.", path: ["expected"] });

export const addZsetMembers = defineAction({
  name: "keys.zset-add",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, members, expected, replaces }, ctx) => {
    ctx.audit.detail = { count: members.length };
    const added = await changeKey(ctx, key, (driver) =>
      collectionsOf(driver).zsetAdd(key, members, {
        expect: expected,
        replaces: replaces && { member: replaces.member, expect: replaces.score },
      }),
    );
    return { added };
  },
});
