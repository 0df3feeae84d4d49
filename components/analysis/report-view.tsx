import { formatBytes, formatCount, formatElapsed, formatShare, formatUtcInstant } from "@/lib/format";
import { plural } from "@/lib/plural";
import { TTL_BUCKET_LABELS, TTL_BUCKETS, type AnalysisReportView } from "@/lib/wire/analysis";
import { KeyTable } from "./key-table";
import type { NamespaceBulk } from "./namespace-actions";
import { NamespaceTable } from "./namespace-table";
import { ServerUsage } from "./server-usage";
import { Treemap } from "./treemap";

function Figure({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
      {detail && <div className="text-xs text-slate-500">{detail}</div>}
    </div>
  );
}

/** One stored report: totals, the TTL histogram, the type mix, the namespace table and the top-100 lists. */
export function ReportView({ connectionId, report, bulk }: { connectionId: string; report: AnalysisReportView; bulk?: NamespaceBulk }) {
  const { figures } = report;
  const { totals } = figures;
  const maxBucket = Math.max(1, ...TTL_BUCKETS.map((b) => figures.ttl[b].bytes));
  const exportHref = (format: "csv" | "json") => `/api/c/${connectionId}/analysis/${report.id}?download=${format}`;
  const measure = { memory: "memory used, as the server counts it", value: "value sizes", mixed: "memory used where the server said, else value sizes" }[figures.bytesMeasure];
  return (
    <div className="space-y-6" data-testid="analysis-report">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 className="text-base font-semibold">Report of {formatUtcInstant(report.startedAt)}</h2>
        <span className="text-xs text-slate-500">
          by {report.actorEmail} · {formatElapsed(report.durationMs)} · bytes are {measure}
        </span>
        {report.status === "cancelled" && (
          <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">cancelled: covers part of the keyspace</span>
        )}
        <span className="ml-auto flex gap-2 text-xs">
          <a href={exportHref("csv")} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800" download>
            Export CSV
          </a>
          <a href={exportHref("json")} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800" download>
            Export JSON
          </a>
        </span>
      </div>

      <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Figure label="Keys" value={formatCount(totals.keys)} testId="analysis-keys" />
        <Figure label="Bytes" value={formatBytes(totals.bytes)} testId="analysis-bytes" detail={`${formatCount(totals.bytes)} B`} />
        <Figure label="Keys without TTL" value={formatCount(totals.noTtlKeys)} testId="analysis-no-ttl" detail={`${formatBytes(totals.noTtlBytes)} never expire`} />
        <Figure label="Namespaces" value={formatCount(figures.namespaces.length)} detail={`delimiter “${figures.delimiter}”`} />
      </div>
      {figures.server && figures.server.usedBytes !== null && (
        <p className="text-xs text-slate-500" data-testid="server-memory">
          The server reported {formatBytes(figures.server.usedBytes)} used
          {figures.server.maxBytes ? ` of ${formatBytes(figures.server.maxBytes)}` : ""} when the analysis ended; the keys above account for{" "}
          {formatShare(totals.bytes, Math.max(1, figures.server.usedBytes), 0)} of it.
        </p>
      )}

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="ttl-heading" className="space-y-2">
          <h2 id="ttl-heading" className="text-base font-semibold">
            Memory freed by expiry
          </h2>
          <ul className="space-y-1.5" data-testid="ttl-histogram">
            {TTL_BUCKETS.map((bucket) => {
              const { keys, bytes } = figures.ttl[bucket];
              return (
                <li key={bucket} className="grid grid-cols-[6.5rem_1fr_auto] items-center gap-2 text-sm" data-bucket={bucket}>
                  <span className="text-xs text-slate-600 dark:text-slate-300">{TTL_BUCKET_LABELS[bucket]}</span>
                  <span className="h-3 rounded bg-slate-100 dark:bg-slate-800" aria-hidden>
                    <span
                      className={`block h-full rounded ${bucket === "never" ? "bg-amber-500" : "bg-emerald-500"}`}
                      style={{ width: `${bytes > 0 ? Math.max(1, (bytes / maxBucket) * 100) : 0}%` }}
                    />
                  </span>
                  <span className="text-right text-xs tabular-nums">
                    {formatBytes(bytes)} · {plural(keys, "key")}
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
        <section aria-labelledby="types-heading" className="space-y-2">
          <h2 id="types-heading" className="text-base font-semibold">
            Types
          </h2>
          <ul className="grid grid-cols-2 gap-1.5 text-sm sm:grid-cols-3" data-testid="type-mix">
            {Object.entries(figures.types)
              .sort((a, b) => b[1].bytes - a[1].bytes)
              .map(([type, figure]) => (
                <li key={type} className="rounded border border-slate-200 px-2 py-1 dark:border-slate-800">
                  <span className="font-medium">{type}</span>
                  <span className="block text-xs text-slate-500 tabular-nums">
                    {plural(figure.keys, "key")} · <span className="whitespace-nowrap">{formatBytes(figure.bytes)}</span>
                  </span>
                  {figures.encodings?.[type as keyof typeof figures.types] && (
                    <span className="block truncate text-[11px] text-slate-500" data-testid="encoding-mix" title="Keys per internal encoding (OBJECT ENCODING)">
                      {Object.entries(figures.encodings[type as keyof typeof figures.types]!)
                        .sort((a, b) => b[1] - a[1])
                        .map(([encoding, keys]) => `${encoding} ${formatCount(keys)}`)
                        .join(" · ")}
                    </span>
                  )}
                </li>
              ))}
          </ul>
        </section>
      </div>

      {figures.server?.usage && <ServerUsage usage={figures.server.usage} />}

      <Treemap connectionId={connectionId} figures={figures} />

      <NamespaceTable connectionId={connectionId} figures={figures} bulk={bulk} />

      <div className="grid gap-6 lg:grid-cols-2">
        <KeyTable connectionId={connectionId} title={`Biggest keys (top ${figures.topKeys.length})`} keys={figures.topKeys} by="bytes" />
        <KeyTable connectionId={connectionId} title={`Longest collections (top ${figures.topCollections.length})`} keys={figures.topCollections} by="length" />
      </div>
    </div>
  );
}
