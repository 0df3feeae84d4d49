"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorText } from "@/components/ui/error-text";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { countKeysWithoutTtl } from "@/lib/actions/keys/count-keys-without-ttl";
import { expireKeys } from "@/lib/actions/keys/expire-keys";
import { cancelJob } from "@/lib/actions/namespaces/cancel-job";
import { keysConfirmation } from "@/lib/confirmation";
import type { PrefixResult } from "@/lib/drivers/types";
import type { Failure } from "@/lib/error-text";
import { plural } from "@/lib/plural";
import { queryKeys } from "@/lib/query-keys";
import { keyFromParam, paramToBase64 } from "@/lib/wire/keys";
import { JobProgressBar } from "./job-progress-bar";
import { TtlInput, useTtlField } from "./ttl-input";
import { useJob } from "./use-job";
import { MissingTtlNote } from "./missing-ttl-note";

/** Keys chosen in the key list, and the filter they stand for when "Select all matching" chose them. */
export interface SelectionRequest {
  params: string[];
  pattern?: string;
}

type Mode = "all" | "missing" | "persist";

/**
 * Set a TTL on the selected keys (all of them, or only those without one) or remove their expiry. Opening it
 * counts which selected keys have no TTL (the preview); production connections ask for the count to be
 * typed (checked again on the server); the change runs as a job with progress and a cancel button.
 */
export function SelectionTtlDialog({
  connectionId,
  request,
  production,
  canPersist,
  atomicMissingOnly,
  onClose,
}: {
  connectionId: string;
  request: SelectionRequest;
  production: boolean;
  canPersist: boolean;
  /** `capabilities.atomicExpireIfNoTtl`: false adds a note to "only keys without one" that it is a check, then a touch. */
  atomicMissingOnly: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [mode, setMode] = useState<Mode>("missing");
  const ttl = useTtlField("3600");
  const [typed, setTyped] = useState("");
  const [countJob, setCountJob] = useState<string | null>(null);
  const [writeJob, setWriteJob] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const started = useRef(false);
  const keys = request.params.map(paramToBase64);
  const expected = production ? keysConfirmation(request.params.map(keyFromParam)) : null;
  const count = useJob<PrefixResult>(connectionId, countJob);
  const write = useJob<PrefixResult>(connectionId, writeJob);
  const active = writeJob ? write.data : count.data;
  const running = active?.status === "running";

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void countKeysWithoutTtl({ connectionId, keys }).then((result) => {
      if (result.ok) setCountJob(result.data.jobId);
      else setFailure({ code: result.code, message: result.message });
    });
    // Counted once on opening.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectionId]);

  const writeStatus = write.data?.status;
  useEffect(() => {
    if (!writeStatus || writeStatus === "running") return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.keysOf(connectionId) });
    const affected = write.data?.progress.affected ?? 0;
    if (writeStatus === "error") toast({ code: write.data?.error?.code ?? "INTERNAL", message: write.data?.error?.message ?? "" }, "error");
    else toast(`Updated the expiry of ${plural(affected, "key")}${writeStatus === "cancelled" ? " before it was cancelled" : ""}.`, "success");
  }, [writeStatus, queryClient, connectionId, toast, write.data]);

  const noTtl = count.data?.status === "done" ? count.data.progress.affected : null;
  const selected = request.params.length;
  const changes = mode === "missing" ? noTtl : selected;
  const ready = noTtl !== null && (mode === "persist" || ttl.valid) && (expected === null || typed === expected);

  const start = async () => {
    const result = await expireKeys({
      connectionId,
      keys,
      ttlMs: mode === "persist" ? null : ttl.ttlMs,
      onlyWithoutTtl: mode === "missing",
      pattern: request.pattern,
      confirm: expected === null ? undefined : typed,
    });
    if (result.ok) setWriteJob(result.data.jobId);
    else setFailure({ code: result.code, message: result.message });
  };
  const cancel = () => {
    const jobId = writeJob ?? countJob;
    if (jobId) void cancelJob({ connectionId, jobId });
  };
  const option = (value: Mode, label: string) => (
    <label className="flex items-center gap-2">
      <input type="radio" name="ttl-mode" value={value} checked={mode === value} disabled={writeJob !== null} onChange={() => setMode(value)} />
      {label}
    </label>
  );

  return (
    <Dialog open title={`Expiry of ${plural(selected, "selected key")}`} onClose={running ? cancel : onClose}>
      <div className="space-y-4 text-sm">
        {request.pattern && <p className="text-slate-600 dark:text-slate-300">Chosen with the filter {request.pattern}.</p>}
        {active && <JobProgressBar job={active} label={writeJob ? "updated" : "checked"} />}
        {failure && (
          <div role="alert" className="text-red-700 dark:text-red-300">
            <ErrorText failure={failure} />
          </div>
        )}
        {noTtl !== null && !writeJob && (
          <div className="space-y-3" data-testid="selection-ttl-preview">
            <p className="font-medium">
              {plural(noTtl, "selected key")} {noTtl === 1 ? "has" : "have"} no TTL
              {selected > noTtl ? `; ${plural(selected - noTtl, "other")} ${selected - noTtl === 1 ? "expires already or is" : "expire already or are"} gone` : ""}.
            </p>
            <fieldset className="space-y-1.5">
              <legend className="sr-only">What to change</legend>
              {option("missing", "Set a TTL only on keys without one (the others keep theirs)")}
              {option("all", "Set this TTL on every selected key")}
              {canPersist && option("persist", "Remove the expiry (keys never expire)")}
            </fieldset>
            {mode !== "persist" && <TtlInput field={ttl} label="TTL (seconds)" className="flex items-center gap-2" inputClassName="w-32" />}
            {mode === "missing" && !atomicMissingOnly && <MissingTtlNote />}
            {expected !== null && (
              <label className="block space-y-1">
                <span>
                  Production connection: type <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{expected}</code> to confirm
                </span>
                <input className={`${inputClass} font-mono`} aria-label="Confirmation text" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
              </label>
            )}
          </div>
        )}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={running ? cancel : onClose}>
            {running ? (writeJob ? "Cancel update" : "Cancel count") : "Close"}
          </Button>
          {!writeJob && (
            <Button disabled={!ready} onClick={() => void start()}>
              {changes === null ? "Apply" : mode === "persist" ? `Remove expiry of ${plural(changes, "key")}` : `Set TTL on ${plural(changes, "key")}`}
            </Button>
          )}
        </div>
        {writeJob && write.data && write.data.status !== "running" && <p className="sr-only" role="status">{`Finished: ${write.data.status}`}</p>}
      </div>
    </Dialog>
  );
}
