"use server";

import { z } from "zod";
import { snapshotKey } from "../../audit/snapshot";
import { indexKeysRemoved } from "../../server/keys/keyspace-index";
import { keysConfirmation } from "../../confirmation";
import { keyText } from "../../wire/keys";
import { confirmationSchema, requireConfirmation } from "../confirmation";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const AUDIT_SAMPLE = 20;

/**
 * Deletes keys given as base64. One audit entry per call: for one key its snapshot (for undo); for several,
 * the count, a sample of the names and, when the selection came from a filter, the pattern.
 */
export const deleteKeys = defineAction({
  name: "keys.delete",
  input: z.object({
    connectionId: connectionIdSchema,
    keys: z.array(bytesSchema).min(1).max(10_000),
    /** The filter the keys were selected with ("select all matching"), for the audit log. */
    pattern: z.string().max(2000).optional(),
    confirm: confirmationSchema,
  }),
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ keys, pattern, confirm }, ctx) => {
    requireConfirmation(ctx, confirm, keysConfirmation(keys));
    const driver = ctx.connection.driver();
    if (keys.length === 1) {
      ctx.audit.targetKey = keys[0];
      ctx.audit.before = await snapshotKey(driver, keys[0]);
    }
    ctx.audit.detail = {
      count: keys.length,
      ...(keys.length > 1 ? { keys: keys.slice(0, AUDIT_SAMPLE).map((key) => keyText(key).text) } : {}),
      ...(pattern ? { pattern } : {}),
    };
    const deleted = await driver.delete(keys);
    ctx.audit.detail.deleted = deleted;
    if (deleted === keys.length) indexKeysRemoved(ctx.connection.scope, keys);
    return { deleted };
  },
});
