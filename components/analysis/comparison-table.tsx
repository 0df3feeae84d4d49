"use client";

import { AppLink as Link } from "@/components/ui/app-link";
import { useMemo, useState } from "react";
import { formatBytes, formatCount } from "@/lib/format";
import type { Comparison, NamespaceChange } from "@/lib/wire/analysis-compare";

const SHOWN = 100;

function signed(n: number, format: (n: number) => string): string {
  if (n === 0) return "±0";
  return `${n > 0 ? "+" : "−"}${format(Math.abs(n))}`;
}

function deltaClass(n: number): string {
  return n > 0 ? "text-red-700 dark:text-red-300" : n < 0 ? "text-emerald-700 dark:text-emerald-300" : "text-slate-500";
}

const BADGE: Record<NamespaceChange["status"], string> = {
  new: "bg-indigo-100 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200",
  vanished: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
  changed: "",
  same: "",
};

/** Growth per namespace between two reports (older → newer), with new and vanished namespaces marked. */
export function ComparisonTable({ connectionId, comparison, beforeLabel, afterLabel }: { connectionId: string; comparison: Comparison; beforeLabel: string; afterLabel: string }) {
  const depths = useMemo(() => [...new Set(comparison.namespaces.map((n) => n.depth))].sort((a, b) => a - b), [comparison]);
  const [depth, setDepth] = useState<number | "all">(depths[0] ?? "all");
  const [onlyChanged, setOnlyChanged] = useState(true);
  const rows = comparison.namespaces.filter((n) => (depth === "all" || n.depth === depth) && (!onlyChanged || n.status !== "same"));
  const { totals } = comparison;
  return (
    <section aria-labelledby="comparison-heading" className="space-y-2 rounded-lg border border-indigo-200 bg-indigo-50/40 p-3 dark:border-indigo-900 dark:bg-indigo-950/20" data-testid="comparison">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="comparison-heading" className="mr-auto text-base font-semibold">
          Changes from {beforeLabel} to {afterLabel}
        </h2>
        <label className="flex items-center gap-1 text-xs text-slate-500">
          <input type="checkbox" checked={onlyChanged} onChange={(event) => setOnlyChanged(event.target.checked)} />
          only changed
        </label>
        <select
          aria-label="Comparison level"
          value={String(depth)}
          onChange={(event) => setDepth(event.target.value === "all" ? "all" : Number(event.target.value))}
          className="rounded border border-slate-300 bg-white px-1.5 py-1 text-xs dark:border-slate-700 dark:bg-slate-900"
        >
          {depths.map((d) => (
            <option key={d} value={d}>
              level {d}
            </option>
          ))}
          <option value="all">all levels</option>
        </select>
      </div>
      <p className="text-sm" data-testid="comparison-totals">
        Keys {formatCount(totals.before.keys)} → {formatCount(totals.after.keys)} <span className={deltaClass(totals.keysDelta)}>({signed(totals.keysDelta, formatCount)})</span>
        {" · "}
        Bytes {formatBytes(totals.before.bytes)} → {formatBytes(totals.after.bytes)} <span className={deltaClass(totals.bytesDelta)}>({signed(totals.bytesDelta, formatBytes)})</span>
      </p>
      <div className="overflow-x-auto rounded border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full min-w-[22rem] text-sm">
          <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-800/60 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-2 py-1.5 text-left font-medium">
                Namespace
              </th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">
                Bytes
              </th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">
                Δ bytes
              </th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">
                Keys
              </th>
              <th scope="col" className="px-2 py-1.5 text-right font-medium">
                Δ keys
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.slice(0, SHOWN).map((n) => (
              <tr key={n.prefix}>
                <td className="max-w-[12rem] px-2 py-1 sm:max-w-md">
                  <span className="flex items-center gap-1.5">
                    <Link href={`/c/${connectionId}?ns=${n.prefix}`} className="truncate font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300" title={n.label}>
                      {n.label}
                    </Link>
                    {(n.status === "new" || n.status === "vanished") && <span className={`shrink-0 rounded px-1 text-[10px] font-medium ${BADGE[n.status]}`}>{n.status}</span>}
                  </span>
                </td>
                <td className="px-2 py-1 text-right tabular-nums">{formatBytes(n.after?.bytes ?? 0)}</td>
                <td className={`px-2 py-1 text-right tabular-nums ${deltaClass(n.bytesDelta)}`}>{signed(n.bytesDelta, formatBytes)}</td>
                <td className="px-2 py-1 text-right tabular-nums">{formatCount(n.after?.keys ?? 0)}</td>
                <td className={`px-2 py-1 text-right tabular-nums ${deltaClass(n.keysDelta)}`}>{signed(n.keysDelta, formatCount)}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={5} className="px-2 py-3 text-center text-xs text-slate-500">
                  No namespace changed at this level.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {(rows.length > SHOWN || comparison.truncated) && (
        <p className="text-xs text-slate-500">
          {rows.length > SHOWN && `The ${SHOWN} largest changes of ${formatCount(rows.length)}. `}
          {comparison.truncated && "A report counted some namespaces as “other” (past its limit); those are not compared."}
        </p>
      )}
    </section>
  );
}
