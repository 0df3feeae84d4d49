"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { cancelJob } from "@/lib/actions/namespaces/cancel-job";
import { countNamespace } from "@/lib/actions/namespaces/count-namespace";
import { deleteNamespace } from "@/lib/actions/namespaces/delete-namespace";
import { expireNamespace } from "@/lib/actions/namespaces/expire-namespace";
import type { PrefixResult } from "@/lib/drivers/types";
import { keyFromParam, keyText } from "@/lib/wire/keys";
import { isLitestarChildStore } from "@/lib/keyspace";
import { queryKeys } from "@/lib/query-keys";
import { paramToBase64 } from "@/lib/wire/keys";
import { fetchTreeChildren } from "./api";
import { JobProgressBar } from "./job-progress-bar";
import { TtlInput, useTtlField } from "./ttl-input";
import { useJob } from "./use-job";
import { plural } from "@/lib/plural";
import type { Failure } from "@/lib/error-text";
import { ErrorText } from "@/components/ui/error-text";
import { MissingTtlNote } from "./missing-ttl-note";

/** `expireMissing`: set a TTL only on the keys that have none; keys that expire keep their TTL. */
export type NamespaceOperation = "count" | "expire" | "expireMissing" | "persist" | "delete";

/**
 * Count, set the TTL of (every key, or only keys without one), or delete every key under a namespace. Writes first count the keys (the preview),
 * then ask for the namespace to be typed, then run as a job with progress and a cancel button.
 */
export function NamespaceDialog({
  connectionId,
  prefixParam,
  operation,
  canPersist,
  atomicMissingOnly,
  delimiter,
  onClose,
}: {
  connectionId: string;
  prefixParam: string;
  operation: NamespaceOperation;
  canPersist: boolean;
  /** `capabilities.atomicExpireIfNoTtl`: false adds a note to `expireMissing` that it is a check, then a touch. */
  atomicMissingOnly: boolean;
  delimiter: string;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const prefixText = keyText(keyFromParam(prefixParam)).text;
  const [countJob, setCountJob] = useState<string | null>(null);
  const [writeJob, setWriteJob] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [typed, setTyped] = useState("");
  const ttl = useTtlField("3600");
  const [persist, setPersist] = useState(false);
  const [includeChildren, setIncludeChildren] = useState(false);
  const started = useRef(false);
  const missingOnly = operation === "expireMissing";
  const persistAll = operation === "persist";
  const childStores = useLitestarChildStores(connectionId, prefixText, delimiter, operation === "delete");
  const alsoPrefixes = includeChildren ? childStores.map((c) => paramToBase64(c.prefix)) : [];
  const count = useJob<PrefixResult>(connectionId, countJob);
  const write = useJob<PrefixResult>(connectionId, writeJob);
  const active = writeJob ? write.data : count.data;
  const running = active?.status === "running" || (writeJob === null && countJob === null && !failure);

  const startCount = (also: string[]) =>
    void countNamespace({ connectionId, prefix: paramToBase64(prefixParam), alsoPrefixes: also, withoutTtl: missingOnly }).then((result) => {
      if (result.ok) setCountJob(result.data.jobId);
      else setFailure({ code: result.code, message: result.message });
    });

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    startCount([]);
    // Counted once on opening; toggling the child stores counts again from the checkbox.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connectionId, prefixParam]);

  const writeStatus = write.data?.status;
  useEffect(() => {
    if (!writeStatus || writeStatus === "running") return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.keysOf(connectionId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.namespaceTree(connectionId, delimiter) });
    const affected = write.data?.progress.affected ?? 0;
    if (writeStatus === "error") toast({ code: write.data?.error?.code ?? "INTERNAL", message: write.data?.error?.message ?? "" }, "error");
    else if (writeStatus === "interrupted")
      toast(`The server running this job stopped after ${plural(affected, "key")} under ${prefixText}; the rest were not touched. Run it again to finish.`, "error");
    else toast(`${operation === "delete" ? "Deleted" : "Updated the expiry of"} ${plural(affected, "key")} under ${prefixText}${writeStatus === "cancelled" ? " before it was cancelled" : ""}.`, "success");
  }, [writeStatus, queryClient, connectionId, delimiter, operation, prefixText, toast, write.data]);

  const matched = count.data?.status === "done" ? count.data.progress.matched : null;
  /** Keys without a TTL (the count job's `affected` when it counted them): what `expireMissing` changes. */
  const noTtl = missingOnly && count.data?.status === "done" ? count.data.progress.affected : null;
  const ttlValid = (persist && !missingOnly) || persistAll || ttl.valid;

  const start = async () => {
    const prefix = paramToBase64(prefixParam);
    const result =
      operation === "delete"
        ? await deleteNamespace({ connectionId, prefix, confirm: typed, alsoPrefixes })
        : missingOnly
          ? await expireNamespace({ connectionId, prefix, ttlMs: ttl.ttlMs, onlyWithoutTtl: true, confirm: typed })
          : await expireNamespace({ connectionId, prefix, ttlMs: persist || persistAll ? null : ttl.ttlMs, confirm: typed });
    if (result.ok) setWriteJob(result.data.jobId);
    else setFailure({ code: result.code, message: result.message });
  };

  const cancel = () => {
    const jobId = writeJob ?? countJob;
    if (jobId) void cancelJob({ connectionId, jobId });
  };

  const title =
    operation === "count" ? "Count keys" : operation === "expire" ? "Set TTL on all keys" : missingOnly ? "Set TTL on keys without one" : persistAll ? "Remove the expiry of all keys" : "Delete all keys";
  const finished = active && active.status !== "running";
  return (
    <Dialog open title={`${title} under ${prefixText}`} onClose={running ? cancel : onClose}>
      <div className="space-y-4 text-sm">
        <p className="text-slate-600 dark:text-slate-300">
          Every key that starts with exactly <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{prefixText}</code>, and no
          other namespace that merely shares its first letters.
        </p>
        {active && <JobProgressBar job={active} label={writeJob ? (operation === "delete" ? "deleted" : "updated") : "matching"} />}
        {failure && (
          <div role="alert" className="text-red-700 dark:text-red-300">
            <ErrorText failure={failure} />
          </div>
        )}
        {!writeJob && count.data?.status === "cancelled" && <p>Counting was cancelled after {plural(count.data.progress.matched, "matching key")}.</p>}
        {!writeJob && count.data?.status === "interrupted" && <p>Counting stopped after {plural(count.data.progress.matched, "matching key")}: the server running it stopped.</p>}
        {operation !== "count" && !writeJob && matched !== null && (
          <div className="space-y-3" data-testid="namespace-preview">
            {noTtl !== null ? (
              <p className="font-medium" data-testid="no-ttl-preview">
                {plural(noTtl, "key")} of {plural(matched, "key")} {noTtl === 1 ? "has" : "have"} no TTL and will get one
                {matched > noTtl ? `; the other ${plural(matched - noTtl, "key")} ${matched - noTtl === 1 ? "keeps its" : "keep theirs"}` : ""}.
              </p>
            ) : (
              <p className="font-medium">
                {plural(matched, "key")} will be {operation === "delete" ? "deleted" : "changed"}.
              </p>
            )}
            {(operation === "expire" || missingOnly) && (
              <div className="flex items-center gap-3">
                <TtlInput field={ttl} label="TTL (seconds)" disabled={persist} className="flex items-center gap-2" inputClassName="w-32" />
                {canPersist && !missingOnly && (
                  <label className="flex items-center gap-1.5">
                    <input type="checkbox" checked={persist} onChange={(e) => setPersist(e.target.checked)} /> Remove expiry instead
                  </label>
                )}
              </div>
            )}
            {missingOnly && !atomicMissingOnly && <MissingTtlNote />}
            {childStores.length > 0 && (
              <div className="space-y-1.5 rounded-md border border-amber-300/70 bg-amber-50 px-3 py-2 dark:border-amber-700/60 dark:bg-amber-950/30" data-testid="child-stores">
                <p>
                  Litestar keeps {childStores.length === 1 ? "a child store" : `${childStores.length} child stores`} beside this one, which{" "}
                  {includeChildren ? "will also be deleted" : "are not touched"}:
                </p>
                <ul className="list-inside list-disc font-mono text-xs">
                  {childStores.map((c) => (
                    <li key={c.prefix}>
                      {c.label} <span className="font-sans text-slate-500">({plural(c.count, "key")})</span>
                    </li>
                  ))}
                </ul>
                <label className="flex items-center gap-1.5">
                  <input
                    type="checkbox"
                    checked={includeChildren}
                    onChange={(e) => {
                      setIncludeChildren(e.target.checked);
                      setCountJob(null);
                      startCount(e.target.checked ? childStores.map((c) => paramToBase64(c.prefix)) : []);
                    }}
                  />
                  Also delete the child stores
                </label>
              </div>
            )}
            <label className="block space-y-1">
              <span>
                Type <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{prefixText}</code> to confirm
              </span>
              <input className={`${inputClass} font-mono`} aria-label="Confirmation text" value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus />
            </label>
          </div>
        )}
        <div className="flex justify-end gap-2">
          {running && (
            <Button variant="secondary" onClick={cancel}>
              Cancel {writeJob ? (operation === "delete" ? "deletion" : "update") : "count"}
            </Button>
          )}
          {!running && (
            <Button variant="secondary" onClick={onClose}>
              Close
            </Button>
          )}
          {operation !== "count" && !writeJob && (
            <Button variant={operation === "delete" ? "danger" : "primary"} disabled={matched === null || typed !== prefixText || !ttlValid} onClick={() => void start()}>
              {operation === "delete"
                ? matched === null
                  ? "Delete the keys"
                  : `Delete ${plural(matched, "key")}`
                : noTtl !== null
                  ? `Set TTL on ${plural(noTtl, "key")}`
                  : "Apply to all"}
            </Button>
          )}
        </div>
        {finished && writeJob && <p className="sr-only" role="status">{`Finished: ${active.status}`}</p>}
      </div>
    </Dialog>
  );
}

/**
 * The Litestar child stores (`LITESTAR_sessions`, …) of a store namespace (`LITESTAR:`): siblings that
 * Litestar's own `delete_all()` would take along, and that this dialog deletes only when asked.
 */
function useLitestarChildStores(connectionId: string, prefixText: string, delimiter: string, enabled: boolean) {
  const store = /^(\w+):$/.exec(prefixText)?.[1];
  const query = useQuery({
    queryKey: [...queryKeys.namespaceTree(connectionId, delimiter), "child-stores", prefixText],
    queryFn: ({ signal }) => fetchTreeChildren(connectionId, { prefix: "", offset: 0, limit: 64, filter: `${store}_` }, signal),
    enabled: enabled && delimiter === ":" && store !== undefined && isLitestarChildStore(prefixText, `${store}_x:`),
  });
  return (query.data?.children ?? []).filter((c) => isLitestarChildStore(prefixText, keyText(keyFromParam(c.prefix)).text));
}
