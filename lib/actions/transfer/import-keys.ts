"use server";

import { importConfirmation } from "../../confirmation";
import { startImport } from "../../server/transfer/import-job";
import { confirmationSchema, requireConfirmation } from "../confirmation";
import { defineAction } from "../define-action";
import { importInputSchema } from "../import-options";

/**
 * Starts importing an uploaded export file as a job. One audit entry for the whole import: opened here,
 * taken over by the job, completed with the counts (new, overwritten, skipped, too big) when it ends.
 * Production connections need the connection's name typed.
 */
export const importKeys = defineAction({
  name: "keys.import",
  input: importInputSchema.extend({ confirm: confirmationSchema }),
  permission: "keys.import",
  audited: true,
  connection: "write",
  run: async ({ uploadId, policy, ttl, rewrite, confirm }, ctx) => {
    ctx.audit.detail = { uploadId, policy, ttl };
    requireConfirmation(ctx, confirm, importConfirmation(ctx.connection.profile.name));
    const jobId = await startImport({ connection: ctx.connection, userId: ctx.user.id, uploadId, policy, ttl, rewrite: rewrite ?? null }, ctx);
    return { jobId };
  },
});
