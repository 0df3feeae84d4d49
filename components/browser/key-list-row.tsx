"use client";

import { memo } from "react";
import { formatBytes, formatCount, formatDuration } from "@/lib/format";
import { keyFromParam, keyHex } from "@/lib/wire/keys";
import { HiddenCharactersBadge } from "./hidden-characters-badge";
import type { Row } from "./key-rows";
import { useNow } from "./use-now";

export const ROW_HEIGHT = 32;

function ttlLeft(row: Row, now: number): number | null {
  return row.ttlMs === null ? null : row.ttlMs - (now - row.receivedAt);
}

type SortBy = "scan" | "name" | "ttl" | "size";
export interface SortOrder {
  by: SortBy;
  desc: boolean;
}

/** A column heading that sorts: size starts with the biggest; a second click flips the order, a third goes back to scan order. */
export function SortHeader({ by, label, className, sort, onSort }: { by: SortBy; label: string; className: string; sort: SortOrder; onSort: (next: (current: SortOrder) => SortOrder) => void }) {
  return (
    <button
      type="button"
      className={`${className} text-left hover:text-slate-900 dark:hover:text-white`}
      onClick={() =>
        onSort((s) => {
          const first = by === "size";
          if (s.by !== by) return { by, desc: first };
          return s.desc === first ? { by, desc: !first } : { by: "scan", desc: false };
        })
      }
      aria-label={`Sort by ${label}`}
    >
      {label}
      {sort.by === by ? (sort.desc ? " ↓" : " ↑") : ""}
    </button>
  );
}

/** A message in place of the rows: loading, searching, nothing found, or what went wrong. */
export function ListMessage({ title, children, tone, spinner }: { title: string; children?: React.ReactNode; tone?: "error"; spinner?: boolean }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className="flex flex-col items-center px-6 py-16 text-center text-sm">
      {spinner && <span className="mb-3 inline-block h-5 w-5 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />}
      <p className={`font-medium ${tone === "error" ? "text-red-700 dark:text-red-300" : ""}`}>{title}</p>
      {children && <div className="mt-1 flex max-w-md flex-col items-center text-slate-500">{children}</div>}
    </div>
  );
}

/** One row; memoised, so appending a page or ticking another row's state leaves it alone. */
export const KeyListRow = memo(function KeyListRow({
  row,
  index,
  top,
  hex,
  open,
  active,
  checked,
}: {
  row: Row;
  index: number;
  top: number;
  hex: boolean;
  open: boolean;
  active: boolean;
  checked: boolean;
}) {
  const now = useNow();
  const left = ttlLeft(row, now);
  const name = hex ? keyHex(keyFromParam(row.param)) : row.text;
  return (
    <div
      role="row"
      aria-selected={checked}
      data-key={row.text}
      data-index={index}
      className={`absolute left-0 grid w-full cursor-pointer [contain:strict] grid-cols-[1.75rem_minmax(0,1fr)_4rem_4.5rem] @md:grid-cols-[1.75rem_minmax(0,1fr)_4.5rem_5rem_4.5rem] @3xl:grid-cols-[1.75rem_minmax(0,1fr)_4.5rem_8.5rem_5rem_4.5rem_4rem] items-center gap-2 border-b border-slate-100 px-3 text-sm dark:border-slate-800/60 ${open ? "bg-indigo-50 dark:bg-indigo-950/60" : checked ? "bg-sky-50 dark:bg-sky-950/40" : "hover:bg-slate-50 dark:hover:bg-slate-900"} ${active ? "outline-1 -outline-offset-1 outline-indigo-400" : ""}`}
      style={{ top, height: ROW_HEIGHT }}
    >
      <input type="checkbox" aria-label={`Select ${row.text}`} checked={checked} readOnly />
      <span role="gridcell" className="flex min-w-0 items-center gap-1.5 font-mono text-[13px]" title={row.text}>
        <span className={`truncate ${row.hidden ? "min-w-12" : ""}`}>{name}</span>
        {row.binary && !hex && <span className="shrink-0 rounded bg-amber-100 px-1 text-[10px] text-amber-900 dark:bg-amber-950 dark:text-amber-200">bytes</span>}
        {row.hidden && !hex && <HiddenCharactersBadge small />}
      </span>
      <span role="gridcell" className="text-xs text-slate-600 dark:text-slate-300">
        {row.type}
      </span>
      <span role="gridcell" className="hidden truncate text-xs text-slate-600 @3xl:block dark:text-slate-300" title={row.format ?? undefined}>
        {row.format ?? "—"}
      </span>
      {/* Rendered on the server with its clock, then counted down with this browser's: a second may differ. */}
      <span role="gridcell" className="text-xs text-slate-600 tabular-nums dark:text-slate-300" suppressHydrationWarning>
        {left === null ? "∞" : left <= 0 ? "expired" : formatDuration(left)}
      </span>
      <span role="gridcell" className="hidden text-right text-xs text-slate-600 tabular-nums @md:block dark:text-slate-300">
        {formatBytes(row.size)}
      </span>
      <span role="gridcell" className="hidden text-right text-xs text-slate-600 tabular-nums @3xl:block dark:text-slate-300">
        {row.length === null ? "" : formatCount(row.length)}
      </span>
    </div>
  );
});
