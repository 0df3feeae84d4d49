"use server";

import { startImportPreview } from "../../server/transfer/import-job";
import { defineAction } from "../define-action";
import { importInputSchema } from "../import-options";

/**
 * Starts the dry run of an uploaded export file: how many keys are new, existing, conflicting, too big. Not
 * audited (nothing changes), but it needs the import permission and a writable connection, like the import.
 */
export const previewImport = defineAction({
  name: "keys.import-preview",
  input: importInputSchema,
  permission: "keys.import",
  audited: false,
  connection: "write",
  run: async ({ uploadId, policy, ttl, rewrite }, ctx) => ({
    jobId: await startImportPreview({ connection: ctx.connection, userId: ctx.user.id, uploadId, policy, ttl, rewrite: rewrite ?? null }),
  }),
});
