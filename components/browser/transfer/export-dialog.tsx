"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { useToast } from "@/components/ui/toast";
import type { Failure } from "@/lib/error-text";
import { formatBytes, formatCount } from "@/lib/format";
import { plural } from "@/lib/plural";
import { ApiError } from "@/lib/wire/errors";
import type { ExportScope } from "@/lib/wire/transfer";
import { downloadExport, saveFile, type ExportProgress } from "./transfer-api";

/** One thing the dialog can export, as the key browser offers it. */
export interface ExportChoice {
  id: string;
  label: string;
  scope: ExportScope;
  /** Keys it holds, when known (a namespace's count, a selection's size), for the progress bar. */
  count: number | null;
}

/**
 * Exports a namespace, the filter's matches, the selected keys or the whole database to a JSON Lines file.
 * The file streams in while the server scans, with bytes and keys so far; Cancel aborts the request (and
 * so the scan, and marks the export's job cancelled). The export is a job other instances and people see;
 * cancelled through it, the file ends with a CANCELLED line, shown here as the reason. The browser saves it
 * once it is complete.
 */
export function ExportDialog({
  connectionId,
  choices,
  canDump,
  onClose,
}: {
  connectionId: string;
  choices: ExportChoice[];
  /** The backend has DUMP payloads to add (Redis). */
  canDump: boolean;
  onClose: () => void;
}) {
  const toast = useToast();
  const [choiceId, setChoiceId] = useState(choices[0]?.id ?? "");
  const [dump, setDump] = useState(true);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [running, setRunning] = useState(false);
  const controller = useRef<AbortController | null>(null);
  const choice = choices.find((c) => c.id === choiceId) ?? choices[0];

  useEffect(() => () => controller.current?.abort(), []);

  const start = async () => {
    if (!choice) return;
    const abort = new AbortController();
    controller.current = abort;
    setRunning(true);
    setFailure(null);
    setProgress({ bytes: 0, keys: 0, header: null, jobId: null });
    try {
      const file = await downloadExport(connectionId, { scope: choice.scope, dump: canDump && dump }, setProgress, abort.signal);
      saveFile(file);
      toast(`Exported ${plural(file.keys, "key")} to ${file.filename}.`, "success");
      onClose();
    } catch (error) {
      if (abort.signal.aborted) setFailure({ code: "CANCELLED", message: "The export was cancelled; nothing was saved." });
      else setFailure(error instanceof ApiError ? { code: error.code, message: error.message } : { code: "INTERNAL", message: String(error) });
    } finally {
      setRunning(false);
    }
  };

  const total = choice?.count ?? progress?.header?.total ?? null;
  const share = progress && total ? Math.min(1, progress.keys / total) : null;
  return (
    <Dialog open title="Export keys" onClose={running ? () => controller.current?.abort() : onClose}>
      <div className="space-y-4 text-sm" data-testid="export-dialog">
        <fieldset className="space-y-1.5" disabled={running}>
          <legend className="mb-1 font-medium">What to export</legend>
          {choices.map((c) => (
            <label key={c.id} className="flex items-start gap-2">
              <input type="radio" name="export-scope" className="mt-1" checked={c.id === choice?.id} onChange={() => setChoiceId(c.id)} />
              <span className="min-w-0 break-words">
                {c.label}
                {c.count !== null && <span className="text-slate-500"> · {plural(c.count, "key")}</span>}
              </span>
            </label>
          ))}
        </fieldset>
        {canDump && (
          <label className="flex items-start gap-2">
            <input type="checkbox" className="mt-1" checked={dump} disabled={running} onChange={(e) => setDump(e.target.checked)} />
            <span>
              Include DUMP payloads
              <span className="block text-xs text-slate-500">Restores every key exactly (encodings, stream groups) into a Redis of the same or a newer version.</span>
            </span>
          </label>
        )}
        <p className="text-xs text-slate-500">
          JSON Lines: one key per line with its type, TTL, flags and value as base64, plus a readable form where the value&apos;s format is known. The file holds every value it covers.
        </p>
        {progress && (
          <div className="space-y-1" data-testid="export-progress" data-job-id={progress.jobId ?? undefined}>
            <div role="progressbar" aria-label="Export progress" aria-valuenow={progress.keys} aria-valuemax={total ?? undefined} className="h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800">
              <div className={`h-full rounded-full bg-indigo-500 ${share === null ? "w-1/3 animate-pulse" : ""}`} style={share === null ? undefined : { width: `${Math.round(share * 100)}%` }} />
            </div>
            <p className="flex justify-between text-xs text-slate-500 tabular-nums">
              <span>
                {formatCount(progress.keys)}
                {total !== null ? ` / ${formatCount(total)}` : ""} keys
              </span>
              <span>{formatBytes(progress.bytes)}</span>
            </p>
          </div>
        )}
        {failure && (
          <div role="alert" className="text-red-700 dark:text-red-300">
            <ErrorText failure={failure} />
          </div>
        )}
        <div className="flex justify-end gap-2">
          {running ? (
            <Button variant="secondary" onClick={() => controller.current?.abort()}>
              Cancel export
            </Button>
          ) : (
            <Button variant="secondary" onClick={onClose}>
              Close
            </Button>
          )}
          <Button disabled={running || !choice} onClick={() => void start()}>
            {running ? "Exporting…" : "Export"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
