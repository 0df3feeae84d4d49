"use server";

import { z } from "zod";
import { indexKeyRenamed } from "../../server/keys/keyspace-index";
import { changeKey } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  newKey: bytesSchema.refine((key) => key.length > 0, "A key needs at least one byte"),
});

/** Renames only onto a free name (ALREADY_EXISTS otherwise), so a rename never deletes another key. */
export const renameKey = defineAction({
  name: "keys.rename",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, newKey }, ctx) => {
    ctx.audit.detail = { newKey: newKey.toString("base64") };
    await changeKey(ctx, key, (driver) => driver.rename(key, newKey, { ifAbsent: true }));
    indexKeyRenamed(ctx.connection.scope, key, newKey);
    return { renamed: true };
  },
});
