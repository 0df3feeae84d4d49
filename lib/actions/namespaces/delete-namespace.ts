"use server";

import { z } from "zod";
import { startNamespaceJob } from "../../browser/namespace-job";
import { ActionRefusal, defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

/**
 * Starts deleting every key that starts with exactly `prefix` (delimiter included, so `LITESTAR:` leaves
 * `LITESTARX:` alone). The job writes the one audit entry when it ends, with the count and whether it was
 * cancelled; this call is audited only when it is refused or fails.
 */
export const deleteNamespace = defineAction({
  name: "namespaces.delete",
  input: z.object({
    connectionId: connectionIdSchema,
    prefix: bytesSchema.refine((prefix) => prefix.length > 0, "Choose a namespace"),
  }),
  role: "editor",
  audited: true,
  connection: "write",
  run: async ({ prefix }, ctx) => {
    ctx.audit.detail = { prefixBase64: prefix.toString("base64") };
    if (!ctx.connection.driver().capabilities.namespaceDelete) {
      throw new ActionRefusal("UNSUPPORTED", "This connection cannot delete a namespace.");
    }
    const jobId = await startNamespaceJob({ connection: ctx.connection, ctx, prefix, operation: { kind: "delete" } });
    ctx.audit.skip = true;
    return { jobId };
  },
});
