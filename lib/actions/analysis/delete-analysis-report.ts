"use server";

import { z } from "zod";
import { deleteReport } from "../../server/analysis/reports";
import { Refusal } from "../../server/refusal";
import { defineAction } from "../define-action";
import { connectionIdSchema } from "../schemas";

/** Deletes one stored analysis report of the connection. */
export const deleteAnalysisReport = defineAction({
  name: "analysis.delete",
  input: z.object({ connectionId: connectionIdSchema, reportId: z.string().min(1).max(64) }),
  permission: "analysis.run",
  audited: true,
  connection: "read",
  run: async ({ connectionId, reportId }, ctx) => {
    ctx.audit.detail = { reportId };
    if (!(await deleteReport(connectionId, reportId))) throw new Refusal("NOT_FOUND", "That report does not exist.");
    return { reportId };
  },
});
