"use server";

import { z } from "zod";
import { ttlMsSchema } from "../../ttl";
import { keysConfirmation } from "../../confirmation";
import { startSelectionJob } from "../../server/keys/selection-job";
import { Refusal } from "../../server/refusal";
import { confirmationSchema, requireConfirmation } from "../confirmation";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

/**
 * Starts setting (or, with `ttlMs` null, removing) the expiry of keys chosen in the key list; with
 * `onlyWithoutTtl`, only keys that have none get one. A job: the returned id has progress and cancel, and it
 * completes this call's audit entry with the count.
 */
export const expireKeys = defineAction({
  name: "keys.expire",
  input: z.object({
    connectionId: connectionIdSchema,
    keys: z.array(bytesSchema).min(1).max(10_000),
    ttlMs: ttlMsSchema.nullable(),
    onlyWithoutTtl: z.boolean().default(false),
    /** The filter the keys were selected with ("select all matching"), for the audit log. */
    pattern: z.string().max(2000).optional(),
    confirm: confirmationSchema,
  }),
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ keys, ttlMs, onlyWithoutTtl, pattern, confirm }, ctx) => {
    ctx.audit.detail = { selected: keys.length, ttlMs, ...(onlyWithoutTtl ? { onlyWithoutTtl } : {}), ...(pattern ? { pattern } : {}) };
    requireConfirmation(ctx, confirm, keysConfirmation(keys));
    const capabilities = ctx.connection.driver().capabilities;
    if (!capabilities.ttl) throw new Refusal("UNSUPPORTED", "This connection cannot set expiries.");
    if (ttlMs === null && !capabilities.persist) throw new Refusal("UNSUPPORTED", "This connection cannot remove expiries.");
    if (ttlMs === null && onlyWithoutTtl) throw new Refusal("INVALID_ARGUMENT", "Only keys without a TTL can get one; removing expiries takes every key.");
    const jobId = await startSelectionJob({ connection: ctx.connection, ctx, keys, pattern, operation: { kind: "expire", ttlMs, onlyWithoutTtl } });
    return { jobId };
  },
});
