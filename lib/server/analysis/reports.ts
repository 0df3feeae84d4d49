import "server-only";
import { db } from "../../db";
import type { AnalysisFigures, AnalysisReportSummary, AnalysisReportView } from "../../wire/analysis";

/** Reports listed per connection, newest first. */
const LIST_LIMIT = 50;

interface ReportRow {
  id: string;
  connectionId: string;
  actorEmail: string;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  status: string;
  keys: number;
}

function summaryOf(row: ReportRow): AnalysisReportSummary {
  return {
    id: row.id,
    connectionId: row.connectionId,
    actorEmail: row.actorEmail,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt.toISOString(),
    durationMs: row.durationMs,
    status: row.status === "cancelled" ? "cancelled" : "done",
    keys: row.keys,
  };
}

export async function saveReport(options: {
  connection: { id: string; name: string };
  user: { id: string; email: string };
  startedAt: Date;
  figures: AnalysisFigures;
}): Promise<string> {
  const finishedAt = new Date();
  const row = await db().analysisReport.create({
    data: {
      connectionId: options.connection.id,
      connectionName: options.connection.name,
      actorId: options.user.id,
      actorEmail: options.user.email,
      startedAt: options.startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - options.startedAt.getTime(),
      status: options.figures.complete ? "done" : "cancelled",
      // An Int column: a keyspace beyond 2^31 keys is not something one pass of this app covers.
      keys: Math.min(options.figures.totals.keys, 2 ** 31 - 1),
      figures: JSON.stringify(options.figures),
    },
    select: { id: true },
  });
  return row.id;
}

export async function listReports(connectionId: string): Promise<AnalysisReportSummary[]> {
  const rows = await db().analysisReport.findMany({
    where: { connectionId },
    orderBy: { startedAt: "desc" },
    take: LIST_LIMIT,
    omit: { figures: true },
  });
  return rows.map(summaryOf);
}

/** One report with its figures; null when it does not exist on this connection. */
export async function readReport(connectionId: string, id: string): Promise<AnalysisReportView | null> {
  const row = await db().analysisReport.findFirst({ where: { id, connectionId } });
  if (!row) return null;
  return { ...summaryOf(row), figures: JSON.parse(row.figures) as AnalysisFigures };
}

/** True when there was such a report to delete. */
export async function deleteReport(connectionId: string, id: string): Promise<boolean> {
  const { count } = await db().analysisReport.deleteMany({ where: { id, connectionId } });
  return count > 0;
}
