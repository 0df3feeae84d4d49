"use server";

import { z } from "zod";
import { changeKey } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({ connectionId: connectionIdSchema, key: bytesSchema });

/** Removes the key's expiry, keeping the key. */
export const persistKey = defineAction({
  name: "keys.persist",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key }, ctx) => {
    await changeKey(ctx, key, (driver) => driver.persist(key));
    return { persisted: true };
  },
});
