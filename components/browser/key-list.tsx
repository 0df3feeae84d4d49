"use client";

import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { deleteKeys } from "@/lib/actions/keys/delete-keys";
import { paramToBase64, type KeyRow } from "@/lib/browser/key-row";
import { keyFromParam, keyHex } from "@/lib/key-text";
import { queryKeys } from "@/lib/query-keys";
import { ApiError, fetchKeyPage, type KeyPageQuery } from "./api";
import { formatBytes, formatCount, formatTtl } from "./format";
import { HiddenCharactersBadge } from "./hidden-characters-badge";
import { useNow } from "./use-now";

export interface KeyFilter {
  ns: string;
  q: string;
  type: string;
  exact: boolean;
}

type SortBy = "scan" | "name" | "ttl" | "size";
type Row = KeyRow & { receivedAt: number };

const ROW_HEIGHT = 32;
/** Select-all-matching loads at most this many keys: one bulk delete stays one reviewable request. */
const SELECT_ALL_CAP = 10_000;

function ttlLeft(row: Row, now: number): number | null {
  return row.ttlMs === null ? null : row.ttlMs - (now - row.receivedAt);
}

/** The virtualised key list: pages by cursor as it scrolls, sorts loaded rows, multi-selects, bulk-deletes. */
export function KeyList({
  connectionId,
  filter,
  openKey,
  onOpen,
  onKeysDeleted,
  canWrite,
  production,
  filterInput,
}: {
  connectionId: string;
  filter: KeyFilter;
  openKey: string | null;
  onOpen: (param: string) => void;
  onKeysDeleted: (params: string[]) => void;
  canWrite: boolean;
  production: boolean;
  filterInput: React.ReactNode;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const query: KeyPageQuery = useMemo(
    () => ({
      prefix: filter.ns ? paramToBase64(filter.ns) : undefined,
      match: !filter.exact && filter.q ? filter.q : undefined,
      exact: filter.exact && filter.q ? btoa(String.fromCharCode(...new TextEncoder().encode(filter.q))) : undefined,
      type: filter.type || undefined,
    }),
    [filter],
  );
  const pages = useInfiniteQuery({
    queryKey: queryKeys.keyPages(connectionId, { ...query }),
    queryFn: ({ pageParam, signal }) => fetchKeyPage(connectionId, { ...query, cursor: pageParam }, signal),
    initialPageParam: "",
    getNextPageParam: (last) => (last.done ? undefined : last.cursor),
    staleTime: 30_000,
    retry: false,
  });

  const rows = useMemo(() => {
    const seen = new Map<string, Row>();
    for (const page of pages.data?.pages ?? []) for (const row of page.rows) seen.set(row.param, { ...row, receivedAt: page.receivedAt });
    return [...seen.values()];
  }, [pages.data]);
  const scanned = useMemo(() => (pages.data?.pages ?? []).reduce((sum, page) => sum + page.scanned, 0), [pages.data]);

  const [sort, setSort] = useState<{ by: SortBy; desc: boolean }>({ by: "scan", desc: false });
  const sorted = useMemo(() => {
    if (sort.by === "scan") return rows;
    const value = (row: Row): number | string =>
      sort.by === "name" ? row.text : sort.by === "size" ? (row.size ?? -1) : row.ttlMs === null ? Number.MAX_SAFE_INTEGER : row.ttlMs - (Date.now() - row.receivedAt);
    const out = [...rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return sort.desc ? out.reverse() : out;
  }, [rows, sort]);

  const [hex, setHex] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [confirm, setConfirm] = useState<{ params: string[]; pattern?: string } | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [selectingAll, setSelectingAll] = useState(false);
  const [matchingPattern, setMatchingPattern] = useState<string | undefined>(undefined);

  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer is mutable by design; this component re-renders on scroll through it, not through memoisation.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: sorted.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = pages;
  useEffect(() => {
    // More rows are wanted while the end of what is loaded is (nearly) on screen; a filter that matches few
    // keys keeps pulling pages until the viewport is full or the scan is done.
    if (hasNextPage && !isFetchingNextPage && !isError && lastIndex >= sorted.length - 30) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage, lastIndex, sorted.length]);

  const clickRow = (index: number, event: React.MouseEvent) => {
    const row = sorted[index];
    setActive(index);
    if (event.shiftKey && anchor !== null) {
      const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
      setSelected(new Set(sorted.slice(from, to + 1).map((r) => r.param)));
      return;
    }
    setAnchor(index);
    if (event.ctrlKey || event.metaKey) {
      toggleSelected(row.param);
      return;
    }
    onOpen(row.param);
  };
  const toggleSelected = (param: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(param)) next.delete(param);
      else next.add(param);
      setMatchingPattern(undefined);
      return next;
    });

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.target instanceof HTMLInputElement) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = Math.max(0, Math.min(sorted.length - 1, active + (event.key === "ArrowDown" ? 1 : -1)));
      setActive(next);
      virtualizer.scrollToIndex(next);
      if (event.shiftKey) setSelected((current) => new Set(current).add(sorted[next].param));
    } else if (event.key === "Enter" && sorted[active]) {
      event.preventDefault();
      onOpen(sorted[active].param);
    } else if ((event.key === "Delete" || event.key === "Backspace") && canWrite) {
      event.preventDefault();
      const params = selected.size ? [...selected] : sorted[active] ? [sorted[active].param] : [];
      if (params.length) setConfirm({ params, pattern: selected.size ? matchingPattern : undefined });
    } else if (event.key === " " && sorted[active]) {
      event.preventDefault();
      toggleSelected(sorted[active].param);
    }
  };

  const selectAllMatching = async () => {
    setSelectingAll(true);
    try {
      let data = pages.data;
      let loaded = rows.length;
      while (data && !data.pages[data.pages.length - 1].done && loaded < SELECT_ALL_CAP) {
        const result = await fetchNextPage();
        if (result.isError) break;
        data = result.data;
        loaded = (data?.pages ?? []).reduce((sum, page) => sum + page.rows.length, 0);
      }
      const all = new Set<string>();
      for (const page of data?.pages ?? []) for (const row of page.rows) if (all.size < SELECT_ALL_CAP) all.add(row.param);
      setSelected(all);
      setMatchingPattern(describeFilter(filter));
      if (all.size >= SELECT_ALL_CAP) toast(`Selected the first ${formatCount(SELECT_ALL_CAP)} matching keys.`, "info");
    } finally {
      setSelectingAll(false);
    }
  };

  const runDelete = async () => {
    if (!confirm) return;
    setDeleting(true);
    const result = await deleteKeys({ connectionId, keys: confirm.params.map(paramToBase64), pattern: confirm.pattern });
    setDeleting(false);
    setConfirm(null);
    if (!result.ok) {
      toast(`${result.code}: ${result.message}`, "error");
      return;
    }
    toast(`Deleted ${formatCount(result.data.deleted)} ${result.data.deleted === 1 ? "key" : "keys"}.`, "success");
    setSelected(new Set());
    onKeysDeleted(confirm.params);
    await queryClient.invalidateQueries({ queryKey: queryKeys.keysOf(connectionId) });
  };

  const confirmRow = confirm && confirm.params.length === 1 ? rows.find((r) => r.param === confirm.params[0]) : undefined;
  const typed = !production || !confirm ? undefined : confirm.params.length === 1 ? (confirmRow && confirmRow.text.length <= 80 ? confirmRow.text : "delete") : String(confirm.params.length);
  const error = pages.error instanceof ApiError ? pages.error : pages.error ? new ApiError("INTERNAL", pages.error.message) : null;
  const allSelected = sorted.length > 0 && sorted.every((row) => selected.has(row.param));

  const header = (by: SortBy, label: string, className: string) => (
    <button
      type="button"
      className={`${className} text-left hover:text-slate-900 dark:hover:text-white`}
      onClick={() => setSort((s) => (s.by === by ? (s.desc ? { by: "scan", desc: false } : { by, desc: true }) : { by, desc: false }))}
      aria-label={`Sort by ${label}`}
    >
      {label}
      {sort.by === by ? (sort.desc ? " ↓" : " ↑") : ""}
    </button>
  );

  return (
    <div className="@container flex h-full min-h-0 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2 dark:border-slate-800">
        {filterInput}
        <label className="flex items-center gap-1 text-xs text-slate-600 dark:text-slate-300">
          <input type="checkbox" checked={hex} onChange={(e) => setHex(e.target.checked)} /> Hex
        </label>
      </div>
      <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-1.5 text-xs text-slate-500 dark:border-slate-800" aria-live="polite">
        <span data-testid="key-count">
          {formatCount(rows.length)} keys loaded{hasNextPage ? ` · ${formatCount(scanned)} scanned, more as you scroll` : pages.isSuccess ? " · all" : ""}
        </span>
        {isFetchingNextPage && <span>Loading more…</span>}
        <span className="ml-auto flex items-center gap-2">
          {selected.size > 0 && <span>{formatCount(selected.size)} selected</span>}
          {selected.size > 0 && (
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
              Clear
            </Button>
          )}
          <Button size="sm" variant="secondary" disabled={selectingAll || sorted.length === 0} onClick={() => void selectAllMatching()}>
            {selectingAll ? "Selecting…" : "Select all matching"}
          </Button>
          {canWrite && selected.size > 0 && (
            <Button size="sm" variant="danger" onClick={() => setConfirm({ params: [...selected], pattern: matchingPattern })}>
              Delete {formatCount(selected.size)}
            </Button>
          )}
        </span>
      </div>
      <div className="grid grid-cols-[1.75rem_minmax(0,1fr)_4rem_4.5rem] @2xl:grid-cols-[1.75rem_minmax(0,1fr)_4.5rem_8.5rem_5rem_4.5rem_4rem] items-center gap-2 border-b border-slate-200 bg-slate-50 px-3 py-1.5 text-xs font-medium text-slate-500 dark:border-slate-800 dark:bg-slate-900">
        <input
          type="checkbox"
          aria-label="Select all loaded keys"
          checked={allSelected}
          onChange={() => setSelected(allSelected ? new Set() : new Set(sorted.map((r) => r.param)))}
        />
        {header("name", "Key", "")}
        <span>Type</span>
        <span className="hidden @2xl:block">Format</span>
        {header("ttl", "TTL", "")}
        {header("size", "Size", "hidden text-right @2xl:block")}
        <span className="hidden text-right @2xl:block">Items</span>
      </div>
      <div
        ref={scrollRef}
        tabIndex={0}
        role="grid"
        aria-label="Keys"
        aria-rowcount={sorted.length}
        onKeyDown={onKeyDown}
        data-testid="key-list"
        className="relative min-h-0 flex-1 overflow-y-auto focus:outline-none"
      >
        {pages.isPending && <ListMessage title="Loading keys…" spinner />}
        {error && (
          <ListMessage title="Could not list the keys" tone="error">
            <span data-testid="error-code" className="font-mono">
              {error.code}
            </span>
            : {error.message}
            <Button size="sm" variant="secondary" className="mt-3" onClick={() => void pages.refetch()}>
              Try again
            </Button>
          </ListMessage>
        )}
        {pages.isSuccess && sorted.length === 0 && !hasNextPage && (
          <ListMessage title={filter.ns || filter.q || filter.type ? "No keys match this filter" : "This database is empty"}>
            {filter.ns || filter.q || filter.type
              ? `Scanned ${formatCount(scanned)} keys. Try another pattern, type or namespace.`
              : "There are no keys to show yet."}
          </ListMessage>
        )}
        <div style={{ height: virtualizer.getTotalSize() }} className="relative w-full">
          {items.map((item) => {
            const row = sorted[item.index];
            return (
              <KeyListRow
                key={row.param}
                row={row}
                top={item.start}
                hex={hex}
                open={row.param === openKey}
                active={item.index === active}
                checked={selected.has(row.param)}
                onToggle={() => toggleSelected(row.param)}
                onClick={(event) => clickRow(item.index, event)}
              />
            );
          })}
        </div>
      </div>
      <ConfirmDialog
        open={confirm !== null}
        title={confirm && confirm.params.length === 1 ? "Delete this key?" : `Delete ${formatCount(confirm?.params.length ?? 0)} keys?`}
        confirmLabel="Delete"
        typed={typed}
        busy={deleting}
        onConfirm={() => void runDelete()}
        onCancel={() => setConfirm(null)}
      >
        {confirm && confirm.params.length === 1 ? (
          <span className="font-mono break-all">{confirmRow?.text ?? "the selected key"}</span>
        ) : (
          <span>
            {formatCount(confirm?.params.length ?? 0)} keys{confirm?.pattern ? ` matching ${confirm.pattern}` : ""} will be deleted. This cannot be undone from here;
            the audit log keeps one entry for the whole deletion.
          </span>
        )}
      </ConfirmDialog>
    </div>
  );
}

function describeFilter(filter: KeyFilter): string {
  const parts: string[] = [];
  if (filter.ns) parts.push(`namespace ${new TextDecoder().decode(keyFromParam(filter.ns))}`);
  if (filter.q) parts.push(filter.exact ? `key ${filter.q}` : `pattern ${filter.q}`);
  if (filter.type) parts.push(`type ${filter.type}`);
  return parts.join(", ") || "*";
}

function ListMessage({ title, children, tone, spinner }: { title: string; children?: React.ReactNode; tone?: "error"; spinner?: boolean }) {
  return (
    <div role={tone === "error" ? "alert" : "status"} className="flex flex-col items-center px-6 py-16 text-center text-sm">
      {spinner && <span className="mb-3 inline-block h-5 w-5 animate-spin rounded-full border-2 border-slate-300 border-t-indigo-600" />}
      <p className={`font-medium ${tone === "error" ? "text-red-700 dark:text-red-300" : ""}`}>{title}</p>
      {children && <div className="mt-1 flex max-w-md flex-col items-center text-slate-500">{children}</div>}
    </div>
  );
}

function KeyListRow({
  row,
  top,
  hex,
  open,
  active,
  checked,
  onToggle,
  onClick,
}: {
  row: Row;
  top: number;
  hex: boolean;
  open: boolean;
  active: boolean;
  checked: boolean;
  onToggle: () => void;
  onClick: (event: React.MouseEvent) => void;
}) {
  const now = useNow();
  const left = ttlLeft(row, now);
  const name = hex ? keyHex(keyFromParam(row.param)) : row.text;
  return (
    <div
      role="row"
      aria-selected={checked}
      data-key={row.text}
      onClick={onClick}
      className={`absolute left-0 grid w-full cursor-pointer grid-cols-[1.75rem_minmax(0,1fr)_4rem_4.5rem] @2xl:grid-cols-[1.75rem_minmax(0,1fr)_4.5rem_8.5rem_5rem_4.5rem_4rem] items-center gap-2 border-b border-slate-100 px-3 text-sm dark:border-slate-800/60 ${open ? "bg-indigo-50 dark:bg-indigo-950/60" : checked ? "bg-sky-50 dark:bg-sky-950/40" : "hover:bg-slate-50 dark:hover:bg-slate-900"} ${active ? "outline-1 -outline-offset-1 outline-indigo-400" : ""}`}
      style={{ top, height: ROW_HEIGHT }}
    >
      <input type="checkbox" aria-label={`Select ${row.text}`} checked={checked} onClick={(e) => e.stopPropagation()} onChange={onToggle} />
      <span role="gridcell" className="flex min-w-0 items-center gap-1.5 font-mono text-[13px]" title={row.text}>
        <span className={`truncate ${row.hidden ? "min-w-12" : ""}`}>{name}</span>
        {row.binary && !hex && <span className="shrink-0 rounded bg-amber-100 px-1 text-[10px] text-amber-900 dark:bg-amber-950 dark:text-amber-200">bytes</span>}
        {row.hidden && !hex && <HiddenCharactersBadge small />}
      </span>
      <span role="gridcell" className="text-xs text-slate-600 dark:text-slate-300">
        {row.type}
      </span>
      <span role="gridcell" className="hidden truncate text-xs text-slate-600 @2xl:block dark:text-slate-300" title={row.format ?? undefined}>
        {row.format ?? "—"}
      </span>
      <span role="gridcell" className="text-xs text-slate-600 tabular-nums dark:text-slate-300">
        {left === null ? "∞" : left <= 0 ? "expired" : formatTtl(left)}
      </span>
      <span role="gridcell" className="hidden text-right text-xs text-slate-600 tabular-nums @2xl:block dark:text-slate-300">
        {formatBytes(row.size)}
      </span>
      <span role="gridcell" className="hidden text-right text-xs text-slate-600 tabular-nums @2xl:block dark:text-slate-300">
        {row.length === null ? "" : formatCount(row.length)}
      </span>
    </div>
  );
}
