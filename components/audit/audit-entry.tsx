import { AppLink as Link } from "@/components/ui/app-link";
import type { AuditEntryView } from "@/lib/audit/present";
import { HiddenCharactersBadge } from "../browser/hidden-characters-badge";
import { DiffPanel, SnapshotPanel } from "./snapshot-panel";
import { UndoButton } from "./undo-button";

const outcomeClass: Record<string, string> = {
  ok: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
  error: "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200",
  denied: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  pending: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
};

function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function AuditEntry({ entry, canUndo, connectionExists }: { entry: AuditEntryView; canUndo: boolean; connectionExists: boolean }) {
  const hasStates = entry.before !== null || entry.after !== null;
  return (
    <li data-testid={`audit-entry-${entry.id}`} className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <details className="group">
        <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2.5 text-sm">
          <span className="text-slate-400 transition-transform group-open:rotate-90" aria-hidden>
            ▸
          </span>
          <time dateTime={entry.at} className="font-mono text-xs text-slate-500">
            {when(entry.at)}
          </time>
          <span className="font-medium">{entry.action}</span>
          {entry.statusNote ? (
            <span className={`rounded px-1.5 py-0.5 text-xs ${outcomeClass.pending}`} title={entry.statusNote} data-testid="audit-status">
              {entry.status === "running" ? "running / unfinished" : "pending / outcome unknown"}
            </span>
          ) : (
            <span className={`rounded px-1.5 py-0.5 text-xs ${outcomeClass[entry.outcome] ?? ""}`}>{entry.errorCode ?? entry.outcome}</span>
          )}
          {entry.key && (
            <code className="max-w-md truncate rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800" title={entry.key.text}>
              {entry.key.text}
            </code>
          )}
          {entry.key?.hidden && <HiddenCharactersBadge small />}
          {entry.undoOfId && <span className="text-xs text-slate-500">undo of #{entry.undoOfId}</span>}
          <span className="ml-auto text-xs text-slate-500">
            {entry.actorEmail}
            {entry.connectionName ? ` · ${entry.connectionName}` : ""}
          </span>
        </summary>
        <div className="space-y-3 border-t border-slate-100 px-4 py-3 dark:border-slate-800">
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-xs">
            <dt className="text-slate-500">Entry</dt>
            <dd className="font-mono">#{entry.id}</dd>
            {entry.connectionId && (
              <>
                <dt className="text-slate-500">Connection</dt>
                <dd>
                  {connectionExists ? (
                    <Link className="text-indigo-600 hover:underline dark:text-indigo-400" href={`/c/${entry.connectionId}`}>
                      {entry.connectionName}
                    </Link>
                  ) : (
                    `${entry.connectionName} (removed)`
                  )}
                </dd>
              </>
            )}
            {entry.key?.binary && (
              <>
                <dt className="text-slate-500">Key</dt>
                <dd className="font-mono break-all">{entry.key.text} (binary, escaped)</dd>
              </>
            )}
            {entry.statusNote && (
              <>
                <dt className="text-slate-500">Status</dt>
                <dd>{entry.statusNote}</dd>
              </>
            )}
            {entry.errorMessage && (
              <>
                <dt className="text-slate-500">Message</dt>
                <dd>{entry.errorMessage}</dd>
              </>
            )}
            {entry.summary && (
              <>
                <dt className="text-slate-500">Summary</dt>
                <dd data-testid="audit-summary">{entry.summary}</dd>
              </>
            )}
            {entry.detail && (
              <>
                <dt className="text-slate-500">Detail</dt>
                <dd className="font-mono break-all">{entry.detail}</dd>
              </>
            )}
            {entry.clientAddress && (
              <>
                <dt className="text-slate-500">From</dt>
                <dd className="font-mono">{entry.clientAddress}</dd>
              </>
            )}
          </dl>
          {hasStates && (
            <div className="flex flex-col gap-3 md:flex-row">
              <SnapshotPanel title="Before" view={entry.before} />
              <SnapshotPanel title="After" view={entry.after} />
            </div>
          )}
          {entry.diff && entry.diff.some((line) => line.kind !== "same") && <DiffPanel diff={entry.diff} />}
          {hasStates && canUndo && (
            <div className="flex items-center gap-3">
              {entry.undo.possible && connectionExists && entry.connectionId ? (
                <UndoButton entryId={entry.id} connectionId={entry.connectionId} keyText={entry.key?.text ?? ""} />
              ) : (
                <p className="text-xs text-slate-500">{connectionExists ? entry.undo.reason : "The connection was removed; this cannot be undone."}</p>
              )}
            </div>
          )}
        </div>
      </details>
    </li>
  );
}
