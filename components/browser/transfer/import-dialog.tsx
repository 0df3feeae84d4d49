"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { cancelJob } from "@/lib/actions/namespaces/cancel-job";
import { importKeys } from "@/lib/actions/transfer/import-keys";
import { previewImport } from "@/lib/actions/transfer/preview-import";
import { importConfirmation } from "@/lib/confirmation";
import type { Failure } from "@/lib/error-text";
import { formatBytes, formatCount } from "@/lib/format";
import { plural } from "@/lib/plural";
import { queryKeys } from "@/lib/query-keys";
import { ApiError } from "@/lib/wire/errors";
import { bytesToBase64 } from "@/lib/wire/keys";
import type { ImportJobResult, ImportPolicy, UploadedFile } from "@/lib/wire/transfer";
import { JobProgressBar } from "../job-progress-bar";
import { TtlInput, useTtlField } from "../ttl-input";
import { useJob } from "../use-job";
import { ImportCountsTable } from "./import-counts";
import { uploadExport } from "./transfer-api";

type TtlMode = "keep" | "absolute" | "none" | "set";

const POLICIES: [ImportPolicy, string, string][] = [
  ["skip", "Skip existing keys", "Keys that exist already are left as they are."],
  ["overwrite", "Overwrite existing keys", "Keys that exist with another value are replaced."],
  ["fail", "Stop on a conflict", "Nothing is imported when any key exists with another value."],
];

const TTLS: [TtlMode, string][] = [
  ["keep", "As exported"],
  ["absolute", "Same expiry moment"],
  ["none", "No TTL"],
  ["set", "Set a TTL…"],
];

const encode = (text: string) => bytesToBase64(new TextEncoder().encode(text));

/**
 * Imports an export file: upload (with progress), options (policy, TTLs, prefix rewrite), a dry run that
 * counts new, existing, conflicting and too-big keys, the typed confirmation on production, then the import
 * as a job with progress and cancel. `targetPrefix`: the namespace it was opened from, offered as the
 * rewrite's new prefix.
 */
export function ImportDialog({
  connectionId,
  connectionName,
  production,
  targetPrefix,
  delimiter,
  onClose,
}: {
  connectionId: string;
  connectionName: string;
  production: boolean;
  targetPrefix: string;
  delimiter: string;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [sent, setSent] = useState<{ bytes: number; of: number } | null>(null);
  const [file, setFile] = useState<UploadedFile | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [policy, setPolicy] = useState<ImportPolicy>("skip");
  const [ttlMode, setTtlMode] = useState<TtlMode>("keep");
  const ttl = useTtlField("3600");
  const [rewrite, setRewrite] = useState(false);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState(targetPrefix);
  const [typed, setTyped] = useState("");
  const [previewId, setPreviewId] = useState<string | null>(null);
  // A preview counts for the options it ran with: changing one asks for another.
  const [previewedWith, setPreviewedWith] = useState("");
  const [importId, setImportId] = useState<string | null>(null);
  const abortUpload = useRef<(() => void) | null>(null);
  const preview = useJob<ImportJobResult>(connectionId, previewId);
  const run = useJob<ImportJobResult>(connectionId, importId);
  const uploading = sent !== null && file === null && failure === null;
  const active = importId ? run.data : preview.data;
  const jobRunning = active?.status === "running";
  const confirmation = importConfirmation(connectionName);

  useEffect(() => () => abortUpload.current?.(), []);

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    setFile(null);
    setFailure(null);
    setPreviewId(null);
    setSent({ bytes: 0, of: chosen.size });
    const upload = uploadExport(connectionId, chosen, (bytes) => setSent({ bytes, of: chosen.size }));
    abortUpload.current = upload.abort;
    upload.done.then(
      (uploaded) => {
        setFile(uploaded);
        const scope = uploaded.header?.scope;
        if (scope?.kind === "namespace") {
          setFrom(scope.text);
          if (targetPrefix && targetPrefix !== scope.text) setRewrite(true);
        }
      },
      (error: unknown) => setFailure(error instanceof ApiError ? { code: error.code, message: error.message } : { code: "INTERNAL", message: String(error) }),
    );
  };

  const options = () => ({
    connectionId,
    uploadId: file!.uploadId,
    policy,
    ttl: ttlMode === "set" ? { mode: "set" as const, ttlMs: ttl.ttlMs ?? 0 } : { mode: ttlMode },
    ...(rewrite && from ? { rewrite: { from: encode(from), to: encode(to) } } : {}),
  });
  const optionsKey = JSON.stringify([file?.uploadId, policy, ttlMode, ttl.text, rewrite, from, to]);
  const optionsValid = file !== null && (ttlMode !== "set" || ttl.valid) && (!rewrite || from !== "");

  const startPreview = async () => {
    setFailure(null);
    const result = await previewImport(options());
    if (result.ok) {
      setPreviewId(result.data.jobId);
      setPreviewedWith(optionsKey);
    } else setFailure({ code: result.code, message: result.message });
  };
  const startImport = async () => {
    setFailure(null);
    const result = await importKeys({ ...options(), confirm: production ? typed : undefined });
    if (result.ok) setImportId(result.data.jobId);
    else setFailure({ code: result.code, message: result.message });
  };
  const cancel = () => {
    if (uploading) abortUpload.current?.();
    else if (active && jobRunning) void cancelJob({ connectionId, jobId: active.id });
  };

  const finished = importId !== null && run.data !== undefined && run.data.status !== "running";
  const finishedStatus = finished ? run.data?.status : undefined;
  useEffect(() => {
    if (!finishedStatus) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.keysOf(connectionId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.namespaceTree(connectionId, delimiter) });
    const written = run.data?.result?.counts.written ?? 0;
    if (finishedStatus !== "error") toast(`Imported ${plural(written, "key")}${finishedStatus === "cancelled" ? " before it was cancelled" : ""}.`, "success");
    // Once per finished import.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finishedStatus]);

  const counts = active?.result?.counts ?? null;
  const jobError = active?.status === "error" ? { code: active.error?.code ?? "INTERNAL", message: active.error?.message ?? "" } : null;
  const shownFailure = failure ?? jobError;
  const previewDone = !importId && preview.data?.status === "done" && previewedWith === optionsKey;
  const willWrite = previewDone && counts ? counts.new + (policy === "overwrite" ? counts.conflicting : 0) : null;
  return (
    <Dialog open title="Import keys" onClose={uploading || jobRunning ? cancel : onClose}>
      <div className="space-y-4 text-sm" data-testid="import-dialog">
        <label className="block space-y-1">
          <span className="font-medium">Export file (JSON Lines)</span>
          <input
            type="file"
            accept=".jsonl,.ndjson,application/x-ndjson,application/json"
            aria-label="Export file"
            disabled={uploading || jobRunning || importId !== null}
            onChange={(e) => choose(e.target.files?.[0])}
            className="block w-full text-xs file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-2.5 file:py-1 file:text-xs file:font-medium dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-100"
          />
        </label>
        {uploading && sent && (
          <p className="text-xs text-slate-500 tabular-nums" role="status">
            Uploading… {formatBytes(sent.bytes)} of {formatBytes(sent.of)}
          </p>
        )}
        {file && (
          <dl className="grid grid-cols-[6.5rem_minmax(0,1fr)] gap-x-3 gap-y-0.5 rounded-md bg-slate-50 px-3 py-2 text-xs dark:bg-slate-800/60" data-testid="import-file">
            <dt className="text-slate-500">Keys</dt>
            <dd>
              {formatCount(file.lines)} · {formatBytes(file.bytes)}
              {!file.complete && <span className="text-amber-700 dark:text-amber-300"> · cut short: the end line is missing</span>}
            </dd>
            <dt className="text-slate-500">From</dt>
            <dd className="break-words">
              {file.header?.source.name} ({file.header?.source.kind}) · {file.header?.scope.text}
            </dd>
            <dt className="text-slate-500">Exported</dt>
            <dd>{file.header?.exportedAt.replace("T", " ").slice(0, 19)} UTC{file.header?.dump ? " · with DUMP payloads" : ""}</dd>
          </dl>
        )}
        {file && !importId && (
          <div className="space-y-3">
            <div className="grid gap-3 sm:grid-cols-2">
              <label className="block space-y-1">
                <span className="font-medium">Existing keys</span>
                <select className={`${inputClass} py-1.5`} aria-label="Existing keys" value={policy} disabled={jobRunning} onChange={(e) => setPolicy(e.target.value as ImportPolicy)}>
                  {POLICIES.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
                <span className="block text-xs text-slate-500">{POLICIES.find(([value]) => value === policy)?.[2]}</span>
              </label>
              <div className="space-y-1">
                <label className="block space-y-1">
                  <span className="font-medium">TTLs</span>
                  <select className={`${inputClass} py-1.5`} aria-label="TTLs" value={ttlMode} disabled={jobRunning} onChange={(e) => setTtlMode(e.target.value as TtlMode)}>
                    {TTLS.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </label>
                {ttlMode === "set" && <TtlInput field={ttl} label="Seconds" disabled={jobRunning} className="flex items-center gap-2 text-xs" inputClassName="w-28 py-1" />}
              </div>
            </div>
            <fieldset className="space-y-1.5" disabled={jobRunning}>
              <label className="flex items-center gap-1.5 font-medium">
                <input type="checkbox" checked={rewrite} onChange={(e) => setRewrite(e.target.checked)} /> Rewrite a key prefix
              </label>
              {rewrite && (
                <div className="grid grid-cols-[minmax(0,1fr)_auto_minmax(0,1fr)] items-center gap-2">
                  <input className={`${inputClass} py-1 font-mono`} aria-label="Prefix to replace" placeholder="staging:" value={from} onChange={(e) => setFrom(e.target.value)} />
                  <span aria-hidden>→</span>
                  <input className={`${inputClass} py-1 font-mono`} aria-label="New prefix" placeholder="prod:" value={to} onChange={(e) => setTo(e.target.value)} />
                </div>
              )}
            </fieldset>
          </div>
        )}
        {active && <JobProgressBar job={active} label={importId ? "keys read" : "keys checked"} />}
        {counts && <ImportCountsTable counts={counts} importing={importId !== null} />}
        {previewDone && willWrite !== null && (
          <p className="font-medium" data-testid="import-verdict">
            {policy === "fail" && counts && counts.conflicting > 0
              ? `${plural(counts.conflicting, "key")} differ: with this policy nothing would be imported.`
              : `${plural(willWrite, "key")} will be written.`}
          </p>
        )}
        {previewDone && production && (
          <label className="block space-y-1">
            <span>
              Production connection: type <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{confirmation}</code> to confirm
            </span>
            <input className={`${inputClass} font-mono`} aria-label="Confirmation text" value={typed} onChange={(e) => setTyped(e.target.value)} />
          </label>
        )}
        {shownFailure && (
          <div role="alert" className="text-red-700 dark:text-red-300">
            <ErrorText failure={shownFailure} />
          </div>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          {uploading || jobRunning ? (
            <Button variant="secondary" onClick={cancel}>
              {uploading ? "Cancel upload" : importId ? "Cancel import" : "Cancel preview"}
            </Button>
          ) : (
            <Button variant="secondary" onClick={onClose}>
              Close
            </Button>
          )}
          {!importId && (
            <Button variant="secondary" disabled={!optionsValid || jobRunning} onClick={() => void startPreview()}>
              {previewDone ? "Preview again" : "Preview"}
            </Button>
          )}
          {!importId && (
            <Button disabled={!previewDone || jobRunning || (production && typed !== confirmation)} onClick={() => void startImport()}>
              {willWrite !== null ? `Import ${plural(willWrite, "key")}` : "Import"}
            </Button>
          )}
        </div>
        {finished && <p className="sr-only" role="status">{`Import finished: ${run.data?.status}`}</p>}
      </div>
    </Dialog>
  );
}
