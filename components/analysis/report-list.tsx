"use client";

import { AppLink as Link } from "@/components/ui/app-link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { deleteAnalysisReport } from "@/lib/actions/analysis/delete-analysis-report";
import { formatUtcInstant } from "@/lib/format";
import { plural } from "@/lib/plural";
import type { AnalysisReportSummary } from "@/lib/wire/analysis";

/**
 * Past reports of the connection, newest first; the open one is marked, any other can be compared with it.
 * Editors may delete one.
 */
export function ReportList({
  connectionId,
  reports,
  selectedId,
  comparedId,
  canDelete,
}: {
  connectionId: string;
  reports: AnalysisReportSummary[];
  selectedId: string | null;
  comparedId: string | null;
  canDelete: boolean;
}) {
  const router = useRouter();
  const toast = useToast();
  const [deleting, setDeleting] = useState<AnalysisReportSummary | null>(null);
  const [pending, startTransition] = useTransition();

  const remove = () =>
    startTransition(async () => {
      if (!deleting) return;
      const result = await deleteAnalysisReport({ connectionId, reportId: deleting.id });
      setDeleting(null);
      if (!result.ok) return toast(result, "error");
      toast("Report deleted.", "success");
      router.push(`/c/${connectionId}/analysis`, { scroll: false });
      router.refresh();
    });

  return (
    <section aria-labelledby="reports-heading" className="space-y-2">
      <h2 id="reports-heading" className="text-base font-semibold">
        Reports
      </h2>
      {reports.length === 0 ? (
        <p className="text-sm text-slate-500">No analysis of this connection yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900" data-testid="report-list">
          {reports.map((report) => (
            <li key={report.id} className={`space-y-0.5 px-3 py-1.5 ${report.id === selectedId ? "bg-indigo-50 dark:bg-indigo-950/40" : ""}`}>
              <div className="flex items-center gap-2">
                <Link
                  href={`/c/${connectionId}/analysis?report=${encodeURIComponent(report.id)}`}
                  aria-current={report.id === selectedId ? "true" : undefined}
                  className="min-w-0 flex-1 truncate text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  {formatUtcInstant(report.startedAt)}
                </Link>
                <span className="shrink-0 text-xs text-slate-500 tabular-nums">{plural(report.keys, "key")}</span>
              </div>
              <div className="flex items-center gap-2 text-xs text-slate-500">
                <span className="min-w-0 flex-1 truncate">
                  {report.actorEmail}
                  {report.status === "cancelled" && <span className="text-amber-700 dark:text-amber-300"> · cancelled</span>}
                </span>
                {selectedId && report.id !== selectedId && (
                  <Link
                    href={`/c/${connectionId}/analysis?report=${encodeURIComponent(selectedId)}${report.id === comparedId ? "" : `&compare=${encodeURIComponent(report.id)}`}`}
                    aria-label={`${report.id === comparedId ? "Stop comparing with" : "Compare with"} the report of ${report.startedAt}`}
                    className={`shrink-0 rounded px-1.5 hover:bg-indigo-100 dark:hover:bg-indigo-950 ${report.id === comparedId ? "font-medium text-indigo-700 dark:text-indigo-300" : ""}`}
                  >
                    {report.id === comparedId ? "Comparing" : "Compare"}
                  </Link>
                )}
                {canDelete && (
                  <button
                    type="button"
                    aria-label={`Delete the report of ${report.startedAt}`}
                    onClick={() => setDeleting(report)}
                    className="shrink-0 rounded px-1.5 hover:bg-red-50 hover:text-red-700 dark:hover:bg-red-950 dark:hover:text-red-300"
                  >
                    Delete
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this report?"
        confirmLabel="Delete report"
        busy={pending}
        onConfirm={remove}
        onCancel={() => setDeleting(null)}
      >
        The stored figures of this analysis are removed; the cache is not touched.
      </ConfirmDialog>
    </section>
  );
}
