"use client";

import { AppLink as Link } from "@/components/ui/app-link";
import { useMemo, useState } from "react";
import { formatBytes, formatCount, formatShare } from "@/lib/format";
import { plural } from "@/lib/plural";
import type { AnalysisFigures, NamespaceFigures } from "@/lib/wire/analysis";
import { type NamespaceBulk, useNamespaceActions } from "./namespace-actions";

type SortBy = "bytes" | "keys" | "noTtlKeys" | "share";

const COLUMNS: { id: SortBy; label: string }[] = [
  { id: "bytes", label: "Bytes" },
  { id: "share", label: "Share" },
  { id: "keys", label: "Keys" },
  { id: "noTtlKeys", label: "No TTL" },
];

const SHOWN = 100;

/** "JSON 15 · pickle 5": the sampled formats, most frequent first. */
function formatMix(formats: Record<string, number> | undefined): string | null {
  if (!formats) return null;
  const entries = Object.entries(formats).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? null : entries.map(([label, count]) => `${label} ${count}`).join(" · ");
}

/**
 * The namespaces of a report at one level (or all), sortable by bytes, share of the whole, keys and keys
 * without TTL; each row opens the namespace in the key browser. A bar under the name shows its share.
 */
export function NamespaceTable({ connectionId, figures, bulk }: { connectionId: string; figures: AnalysisFigures; bulk?: NamespaceBulk }) {
  const actions = useNamespaceActions(connectionId, figures.delimiter, bulk);
  const depths = useMemo(() => [...new Set(figures.namespaces.map((n) => n.depth))].sort((a, b) => a - b), [figures]);
  const [depth, setDepth] = useState<number | "all">(depths[0] ?? "all");
  const [sortBy, setSortBy] = useState<SortBy>("bytes");
  const [all, setAll] = useState(false);
  const total = figures.totals.bytes;
  const rows = useMemo(() => {
    const chosen = figures.namespaces.filter((n) => depth === "all" || n.depth === depth);
    const value = (n: NamespaceFigures) => (sortBy === "share" ? n.bytes : n[sortBy]);
    return chosen.sort((a, b) => value(b) - value(a) || b.bytes - a.bytes);
  }, [figures, depth, sortBy]);
  const shown = all ? rows : rows.slice(0, SHOWN);

  return (
    <section aria-labelledby="namespaces-heading" className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="namespaces-heading" className="mr-auto text-base font-semibold">
          Namespaces
        </h2>
        <label className="flex items-center gap-1 text-xs text-slate-500">
          Level
          <select
            aria-label="Namespace level"
            value={String(depth)}
            onChange={(event) => setDepth(event.target.value === "all" ? "all" : Number(event.target.value))}
            className="rounded border border-slate-300 bg-white px-1.5 py-1 text-xs text-slate-800 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
          >
            {depths.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
            <option value="all">all</option>
          </select>
        </label>
      </div>
      <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full min-w-[22rem] text-sm" data-testid="namespace-table">
          <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-800/60 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-2 py-1.5 text-left font-medium">
                Namespace
              </th>
              {COLUMNS.map((column) => (
                <th key={column.id} scope="col" className="px-2 py-1.5 text-right font-medium" aria-sort={sortBy === column.id ? "descending" : "none"}>
                  <button type="button" onClick={() => setSortBy(column.id)} className={`hover:text-slate-900 dark:hover:text-slate-100 ${sortBy === column.id ? "text-indigo-700 dark:text-indigo-300" : ""}`}>
                    {column.label}
                    {sortBy === column.id ? " ↓" : ""}
                  </button>
                </th>
              ))}
              {actions.shown && (
                <th scope="col" className="px-2 py-1.5 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {shown.map((n) => (
              <tr key={n.prefix} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
                <td className="max-w-[14rem] px-2 py-1.5 sm:max-w-md">
                  <Link href={`/c/${connectionId}?ns=${n.prefix}`} className="block truncate font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300" title={n.label}>
                    {n.label}
                  </Link>
                  {formatMix(n.formats) && (
                    <div className="truncate text-[11px] text-slate-500" title="Value formats of a sample of this namespace's strings">
                      sampled: {formatMix(n.formats)}
                    </div>
                  )}
                  <div className="mt-1 h-1 rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden>
                    <div className="h-full rounded-full bg-indigo-400 dark:bg-indigo-500" style={{ width: `${total > 0 ? Math.max(0.5, (n.bytes / total) * 100) : 0}%` }} />
                  </div>
                </td>
                <td className="px-2 py-1.5 text-right tabular-nums">{formatBytes(n.bytes)}</td>
                <td className="px-2 py-1.5 text-right tabular-nums">{formatShare(n.bytes, total)}</td>
                <td className="px-2 py-1.5 text-right tabular-nums">{formatCount(n.keys)}</td>
                <td className={`px-2 py-1.5 text-right tabular-nums ${n.noTtlKeys > 0 ? "text-amber-700 dark:text-amber-300" : ""}`} title={`${formatBytes(n.noTtlBytes)} without TTL`}>
                  {formatCount(n.noTtlKeys)}
                </td>
                {actions.shown && <td className="px-2 py-1.5 text-right">{actions.menu(n.prefix, n.label)}</td>}
              </tr>
            ))}
            {shown.length === 0 && (
              <tr>
                <td colSpan={actions.shown ? 6 : 5} className="px-2 py-3 text-center text-xs text-slate-500">
                  No namespaces: no key holds the delimiter “{figures.delimiter}”.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-slate-500">
        {plural(figures.rootKeys.keys, "key")} ({formatBytes(figures.rootKeys.bytes)}) {figures.rootKeys.keys === 1 ? "has" : "have"} no namespace
        {formatMix(figures.rootFormats) ? ` (sampled: ${formatMix(figures.rootFormats)})` : ""}.
        {figures.otherNamespaces.keys > 0 &&
          ` Past ${formatCount(figures.namespaceLimit)} namespaces, ${formatCount(figures.otherNamespaces.keys)} key entries (${formatBytes(figures.otherNamespaces.bytes)}) were counted as “other”.`}
        {rows.length > SHOWN && !all && (
          <>
            {" "}
            <button type="button" className="text-indigo-700 hover:underline dark:text-indigo-300" onClick={() => setAll(true)}>
              Show all {formatCount(rows.length)}
            </button>
          </>
        )}
      </p>
      {actions.dialog}
    </section>
  );
}
