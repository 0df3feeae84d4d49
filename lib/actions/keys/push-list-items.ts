"use server";

import { z } from "zod";
import { changeKey, collectionsOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  values: z.array(bytesSchema).min(1).max(1000),
  end: z.enum(["head", "tail"]),
});

export const pushListItems = defineAction({
  name: "keys.list-push",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, values, end }, ctx) => {
    ctx.audit.detail = { count: values.length, end };
    const length = await changeKey(ctx, key, (driver) => collectionsOf(driver).listPush(key, values, end));
    return { length };
  },
});
