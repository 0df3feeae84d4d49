import { z } from "zod";
import { reportCsv } from "@/lib/server/analysis/export";
import { readReport } from "@/lib/server/analysis/reports";
import { Refusal } from "@/lib/server/refusal";
import { defineRoute } from "@/lib/server/route";

/** One stored analysis report: JSON (the default), or a download as `?download=json` or `?download=csv`. */
export const GET = defineRoute({
  permission: "analysis.read",
  connection: "load",
  query: z.object({ download: z.enum(["json", "csv"]).optional() }),
  handler: async ({ connection, params, query }) => {
    const report = await readReport(connection.profile.id, params.reportId ?? "");
    if (!report) throw new Refusal("NOT_FOUND", "That report does not exist.");
    if (!query.download) return report;
    const stamp = report.startedAt.slice(0, 19).replace(/[:T]/g, "-");
    const name = `cacheboard-analysis-${connection.profile.name.replace(/[^\w.-]+/g, "_")}-${stamp}.${query.download}`;
    const body = query.download === "csv" ? reportCsv(report) : JSON.stringify(report, null, 2);
    return new Response(body, {
      headers: {
        "content-type": query.download === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
  },
});
