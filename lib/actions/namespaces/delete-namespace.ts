"use server";

import { z } from "zod";
import { startNamespaceJob } from "../../server/keys/namespace-job";
import { namespaceConfirmation } from "../../confirmation";
import { confirmationSchema, requireConfirmation } from "../confirmation";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { alsoPrefixesSchema, childStores } from "../child-stores";
import { bytesSchema, connectionIdSchema } from "../schemas";

/**
 * Starts deleting every key that starts with exactly `prefix` (delimiter included, so `LITESTAR:` leaves
 * `LITESTARX:` alone), and, when asked, a Litestar store's child stores (`LITESTAR_sessions:`…). The job takes over this call's audit entry: running with the count so far while it
 * works, completed with the count and whether it was cancelled when it ends.
 */
export const deleteNamespace = defineAction({
  name: "namespaces.delete",
  input: z.object({
    connectionId: connectionIdSchema,
    prefix: bytesSchema.refine((prefix) => prefix.length > 0, "Choose a namespace"),
    confirm: confirmationSchema,
    alsoPrefixes: alsoPrefixesSchema,
  }),
  permission: "namespaces.write",
  audited: true,
  connection: "write",
  run: async ({ prefix, confirm, alsoPrefixes }, ctx) => {
    ctx.audit.detail = { prefixBase64: prefix.toString("base64") };
    const also = childStores(prefix, alsoPrefixes);
    requireConfirmation(ctx, confirm, namespaceConfirmation(prefix));
    if (!ctx.connection.driver().capabilities.namespaceDelete) {
      throw new Refusal("UNSUPPORTED", "This connection cannot delete a namespace.");
    }
    const jobId = await startNamespaceJob({ connection: ctx.connection, ctx, prefix, alsoPrefixes: also, operation: { kind: "delete" } });
    return { jobId };
  },
});
