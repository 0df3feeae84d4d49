"use client";

import type { TreeState } from "@/lib/wire/tree";
import { ErrorText } from "@/components/ui/error-text";
import { ServerBusyNote } from "@/components/ui/server-busy-note";
import { formatAge, formatCount } from "@/lib/format";
import { plural } from "@/lib/plural";
import { ApiError } from "@/lib/wire/errors";
import { useNow } from "./use-now";

/** Under the tree's heading: the index's scan progress, its age and key count, and what went wrong. */
export function TreeIndexStatus({ index, error }: { index: TreeState | null; error: Error | null }) {
  const now = useNow();
  const scan = index?.scan ?? null;
  const scanned = scan ? (scan.total !== null ? Math.min(scan.scanned, scan.total) : scan.scanned) : (index?.count ?? 0);
  const share = scan ? (scan.total ? Math.min(1, scan.scanned / scan.total) : null) : 1;
  return (
    <>
      {index && (
        <div className="space-y-1">
          {(scan || index.scannedAt === null) && (
            <div
              role="progressbar"
              aria-label="tree scan progress"
              aria-valuemin={0}
              aria-valuemax={scan?.total ?? undefined}
              aria-valuenow={scan?.scanned ?? index.count}
              className="h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
            >
              <div
                className={`h-full rounded-full bg-indigo-500 ${share === null ? "w-1/3 animate-pulse" : ""}`}
                style={share === null ? undefined : { width: `${Math.round(share * 100)}%` }}
              />
            </div>
          )}
          <div className="flex justify-between gap-2 text-xs text-slate-500 tabular-nums">
            {/* Rendered on the server with its clock, then aged with this browser's: the age may differ by a step. */}
            <span data-testid="index-status" title={index.liveNote ?? undefined} suppressHydrationWarning>
              {index.live && (
                <span
                  data-testid="index-live"
                  title="Keyspace notifications keep these counts current: keys added or removed by any client show at once"
                  className="mr-1 rounded bg-emerald-100 px-1 py-px font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200"
                >
                  live
                </span>
              )}
              {index.scannedAt !== null ? `Scanned ${formatAge(now - index.scannedAt)}` : "Scanning"}
              {scan && index.scannedAt !== null ? " · rescanning" : ""}
            </span>
            <span>
              {scan
                ? `${formatCount(scanned)}${scan.total !== null ? ` / ${formatCount(scan.total)}` : ""} scanned`
                : `${plural(index.count, "key")}${index.outcome === "cancelled" ? " · cancelled" : index.outcome === "done" ? " · done" : ""}`}
            </span>
          </div>
          {scan?.gentle && <ServerBusyNote testId="index-gentle" walk="scan" />}
          {index.sampleEvery > 1 && index.count > 0 && (
            <p className="text-[11px] text-slate-500">Sizes and TTL shares are sampled: 1 key in {formatCount(index.sampleEvery)} was measured.</p>
          )}
        </div>
      )}
      {error && (
        <div role="alert" className="text-xs text-red-700 dark:text-red-300">
          <ErrorText failure={{ code: error instanceof ApiError ? error.code : "INTERNAL", message: error.message }} />
        </div>
      )}
      {index?.error && (
        <div role="alert" className="text-xs text-red-700 dark:text-red-300">
          <ErrorText failure={index.error} />
        </div>
      )}
    </>
  );
}
