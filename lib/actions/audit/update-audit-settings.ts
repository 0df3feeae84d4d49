"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { pruneAudit } from "../../audit/prune";
import { updateSettings } from "../../settings";
import { defineAction } from "../define-action";

const input = z.object({
  auditRetentionDays: z.number().int().min(1).max(36500).nullable(),
  auditRetentionCount: z.number().int().min(100, "Keep at least 100 entries.").max(100_000_000).nullable(),
  auditSnapshotMaxBytes: z.number().int().min(0).max(64 * 1024 * 1024).nullable(),
});

/** Retention and snapshot size; a tightened retention applies at once rather than at the next hourly prune. */
export const updateAuditSettings = defineAction({
  name: "audit.update-settings",
  input,
  permission: "audit.configure",
  audited: true,
  run: async (settings, ctx) => {
    ctx.audit.detail = { ...settings };
    await updateSettings(settings);
    const pruned = await pruneAudit(null);
    revalidatePath("/audit");
    return { pruned: pruned.deleted };
  },
});
