import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AnalysisControls } from "@/components/analysis/analysis-controls";
import { ComparisonTable } from "@/components/analysis/comparison-table";
import { ReportList } from "@/components/analysis/report-list";
import { ReportView } from "@/components/analysis/report-view";
import { requirePageUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { loadConnection } from "@/lib/connections/load";
import { formatUtcInstant } from "@/lib/format";
import { listReports, readReport } from "@/lib/server/analysis/reports";
import { runningAnalysis } from "@/lib/server/analysis/run";
import { compareFigures } from "@/lib/wire/analysis-compare";

function one(value: string | string[] | undefined): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

export const metadata: Metadata = { title: "Analysis" };

/**
 * A connection's keyspace analysis: start one, follow it, read the stored reports (`?report=<id>`, else the
 * newest), and compare one with another (`&compare=<id>`).
 */
export default async function AnalysisPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ report?: string | string[]; compare?: string | string[] }>;
}) {
  const { user } = await requirePageUser("analysis.read");
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) notFound();
  const listable = connection.driver().capabilities.listKeys;
  const reports = await listReports(id);
  const query = await searchParams;
  const selectedId = one(query.report) ?? reports[0]?.id ?? null;
  const report = selectedId ? await readReport(id, selectedId) : null;
  const compareId = one(query.compare);
  const other = report && compareId && compareId !== report.id ? await readReport(id, compareId) : null;
  // The older of the two is "before", whichever was picked first.
  const [older, newer] = other && other.startedAt > report!.startedAt ? [report!, other] : [other, report];
  const running = await runningAnalysis(id);
  const canRun = can(user, "analysis.run") && listable;
  const capabilities = connection.driver().capabilities;
  // Namespace bulk actions from the report: editors and admins on a writable connection, as in the key browser.
  const bulk =
    can(user, "namespaces.write", connection.profile) && listable
      ? { expire: capabilities.namespaceExpire, persist: capabilities.persist, delete: capabilities.namespaceDelete, atomicMissingOnly: capabilities.atomicExpireIfNoTtl }
      : undefined;
  return (
    <div className="mx-auto max-w-6xl space-y-5 p-4 sm:p-6">
      <div>
        <h1 className="text-xl font-semibold">Keyspace analysis of {connection.profile.name}</h1>
        <p className="text-sm text-slate-500">Exact figures over the whole keyspace, kept as reports you can export.</p>
      </div>
      {listable ? (
        <AnalysisControls
          connectionId={id}
          canRun={canRun}
          runningJobId={running && running.userId === user.id ? running.jobId : null}
          runningElsewhere={running !== null && running.userId !== user.id}
          pace={{ paced: connection.scanPace.paced, pauseMs: connection.scanPace.pauseMs }}
        />
      ) : (
        <p className="text-sm text-slate-500">This connection cannot list its keys, so it cannot be analysed.</p>
      )}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="order-2 min-w-0 lg:order-1">
          {older && newer && (
            <div className="mb-6">
              <ComparisonTable connectionId={id} comparison={compareFigures(older.figures, newer.figures)} beforeLabel={formatUtcInstant(older.startedAt)} afterLabel={formatUtcInstant(newer.startedAt)} />
            </div>
          )}
          {report ? (
            <ReportView connectionId={id} report={report} bulk={bulk} />
          ) : selectedId && reports.length > 0 ? (
            <p className="text-sm text-slate-500">That report does not exist (any more).</p>
          ) : null}
        </div>
        <div className="order-1 lg:order-2">
          <ReportList connectionId={id} reports={reports} selectedId={report?.id ?? null} comparedId={other?.id ?? null} canDelete={can(user, "analysis.run")} />
        </div>
      </div>
    </div>
  );
}
