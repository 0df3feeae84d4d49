"use server";

import { z } from "zod";
import { indexKeysRemoved } from "../../server/keys/keyspace-index";
import { changeKey } from "../../server/keys/value-action";
import { keyConfirmation } from "../../confirmation";
import { confirmationSchema, requireConfirmation } from "../confirmation";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({ connectionId: connectionIdSchema, key: bytesSchema, confirm: confirmationSchema });

/** Deletes the one key open in the key pane, with its before-snapshot so undo can bring it back. */
export const deleteKey = defineAction({
  name: "keys.delete",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, confirm }, ctx) => {
    requireConfirmation(ctx, confirm, keyConfirmation(key));
    const removed = await changeKey(ctx, key, (driver) => driver.delete([key]));
    if (removed > 0) indexKeysRemoved(ctx.connection.scope, [key]);
    return { removed };
  },
});
