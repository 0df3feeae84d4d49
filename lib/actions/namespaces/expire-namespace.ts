"use server";

import { z } from "zod";
import { ttlMsSchema } from "../../ttl";
import { startNamespaceJob } from "../../server/keys/namespace-job";
import { namespaceConfirmation } from "../../confirmation";
import { confirmationSchema, requireConfirmation } from "../confirmation";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { bytesSchema, connectionIdSchema } from "../schemas";

/**
 * Starts setting (or, with `ttlMs` null, removing) the expiry of every key under a namespace prefix; with
 * `onlyWithoutTtl`, only of the keys that have none (keys that expire keep their TTL). The job
 * takes over this call's audit entry, writing the count as it goes and completing it when it ends.
 */
export const expireNamespace = defineAction({
  name: "namespaces.expire",
  input: z.object({
    connectionId: connectionIdSchema,
    prefix: bytesSchema.refine((prefix) => prefix.length > 0, "Choose a namespace"),
    confirm: confirmationSchema,
    ttlMs: ttlMsSchema.nullable(),
    onlyWithoutTtl: z.boolean().default(false),
  }),
  permission: "namespaces.write",
  audited: true,
  connection: "write",
  run: async ({ prefix, ttlMs, onlyWithoutTtl, confirm }, ctx) => {
    ctx.audit.detail = { prefixBase64: prefix.toString("base64"), ttlMs, ...(onlyWithoutTtl ? { onlyWithoutTtl } : {}) };
    requireConfirmation(ctx, confirm, namespaceConfirmation(prefix));
    const capabilities = ctx.connection.driver().capabilities;
    if (!capabilities.namespaceExpire) throw new Refusal("UNSUPPORTED", "This connection cannot set the expiry of a namespace.");
    if (ttlMs === null && !capabilities.persist) throw new Refusal("UNSUPPORTED", "This connection cannot remove expiries.");
    if (ttlMs === null && onlyWithoutTtl) throw new Refusal("INVALID_ARGUMENT", "Only keys without a TTL can get one; removing expiries takes every key.");
    const jobId = await startNamespaceJob({ connection: ctx.connection, ctx, prefix, operation: { kind: "expire", ttlMs, onlyWithoutTtl } });
    return { jobId };
  },
});
