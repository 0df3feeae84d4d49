"use client";

import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { useHydrated } from "@/components/ui/use-hydrated";
import { cancelJob } from "@/lib/actions/namespaces/cancel-job";
import { FIRST_PAGE_ROWS, MAX_PAGE_ROWS, type KeyPage } from "@/lib/wire/key-page";
import { queryKeys } from "@/lib/query-keys";
import { ApiError, fetchKeyPage } from "./api";
import { formatCount } from "@/lib/format";
import { DeleteKeysDialog, type DeleteRequest } from "./delete-keys-dialog";
import { keyPageQuery, renderedFirstPage, type KeyFilter } from "./key-filter";
import { SelectionTtlDialog, type SelectionRequest } from "./selection-ttl-dialog";
import { JobProgressBar } from "./job-progress-bar";
import { KeyListRow, ListMessage, ROW_HEIGHT, SortHeader, type SortOrder } from "./key-list-row";
import { rowArray, rowsOfArray, rowsOfPages, type RowList } from "./key-rows";
import { useKeyboardNav } from "./use-keyboard-nav";
import { useTopKeys } from "./use-top-keys";
import { useFixedRows } from "./use-fixed-rows";
import { describeFilter, useKeySelection } from "./use-key-selection";
import { useForgetKeys } from "./value-view/key-queries";
import { plural } from "@/lib/plural";
import { ErrorText } from "@/components/ui/error-text";

/** The list's height assumed before it is laid out. */
const SCREEN_HEIGHT = 800;

/** Select-all-matching loads at most this many keys: one bulk delete stays one reviewable request. */
const SELECT_ALL_CAP = 10_000;

/**
 * The virtualised key list: pages by cursor as it scrolls (each page appended, earlier rows untouched),
 * shows how much of the keyspace a search has walked and can stop it, sorts by size or TTL over the whole
 * namespace (a server-side top-N pass) and by name over the loaded rows (and says so), multi-selects,
 * bulk-deletes.
 */
export function KeyList({
  connectionId,
  filter,
  openKey,
  onOpen,
  onEdit,
  onKeysDeleted,
  canWrite,
  production,
  filterInput,
  onExportKeys,
  expiry,
  initialPage,
}: {
  connectionId: string;
  filter: KeyFilter;
  openKey: string | null;
  onOpen: (param: string) => void;
  /** `e` on the focused row: open the key with its editor. */
  onEdit?: (param: string) => void;
  onKeysDeleted: (params: string[]) => void;
  canWrite: boolean;
  production: boolean;
  filterInput: React.ReactNode;
  /** Opens the export of the selected keys. */
  onExportKeys?: (params: string[]) => void;
  /** Set or remove the expiry of the selection (`capabilities.ttl`, `.persist`); absent where expiries cannot change. */
  expiry?: { canPersist: boolean; atomicMissingOnly: boolean };
  /** The unfiltered first page, read while the page rendered on the server; null when it was not. */
  initialPage?: KeyPage | null;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  // Until hydrated the count does not say "loaded": the list is not live yet (nor are its filter box and rows).
  const hydrated = useHydrated();
  const forgetKeys = useForgetKeys(connectionId);
  const query = useMemo(() => keyPageQuery(filter), [filter]);
  const pages = useInfiniteQuery({
    queryKey: queryKeys.keyPages(connectionId, { ...query }),
    // A small first page paints soon; once someone scrolls, pages are as large as the server gives (each page costs
    // the server and the browser a round of fixed work whatever its size: a 100k-key namespace is 50 requests).
    queryFn: ({ pageParam, signal }) => fetchKeyPage(connectionId, { ...query, cursor: pageParam, limit: pageParam ? MAX_PAGE_ROWS : FIRST_PAGE_ROWS }, signal),
    initialPageParam: "",
    getNextPageParam: (last) => (last.done ? undefined : last.cursor),
    // The server read the unfiltered first page while rendering: the rows arrive with the HTML, no request.
    initialData: renderedFirstPage(initialPage, query),
    initialDataUpdatedAt: initialPage?.readAt,
    staleTime: 30_000,
    retry: false,
  });

  const loaded = useMemo(() => rowsOfPages(pages.data?.pages ?? []), [pages.data]);
  const progress = useMemo(() => {
    const list = pages.data?.pages ?? [];
    const last = list[list.length - 1];
    const scanned = list.reduce((sum, page) => sum + page.scanned, 0);
    const total = last?.total ?? null;
    const share = last?.done ? 1 : (last?.covered ?? (total ? Math.min(1, scanned / total) : null));
    return { scanned, estimated: list.some((page) => page.estimated), total, share };
  }, [pages.data]);

  const [sort, setSort] = useState<SortOrder>({ by: "scan", desc: false });
  const ranked = sort.by === "size" || sort.by === "ttl" ? sort.by : null;
  const { start: topStart, job: topJob, rows: topRows } = useTopKeys(connectionId, query, ranked, sort.desc);
  const sorted: RowList = useMemo(() => {
    if (ranked) return topRows;
    if (sort.by !== "name") return loaded;
    const out = rowArray(loaded).sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    return rowsOfArray(sort.desc ? out.reverse() : out);
  }, [ranked, topRows, loaded, sort]);

  // Stopping a search aborts the page request in flight and stops asking for more until "Continue".
  const [stopped, setStopped] = useState(false);
  const queryId = JSON.stringify(query);
  const [stoppedQuery, setStoppedQuery] = useState(queryId);
  if (stoppedQuery !== queryId) {
    setStoppedQuery(queryId);
    setStopped(false);
  }
  const stop = () => {
    setStopped(true);
    void queryClient.cancelQueries({ queryKey: queryKeys.keyPages(connectionId, { ...query }) });
  };

  const [hex, setHex] = useState(false);
  const selection = useKeySelection(sorted);
  const { selected, matchingPattern } = selection;
  const [confirm, setConfirm] = useState<DeleteRequest | null>(null);
  const [ttlRequest, setTtlRequest] = useState<SelectionRequest | null>(null);
  const [selectingAll, setSelectingAll] = useState(false);

  const scrollRef = useRef<HTMLDivElement>(null);
  // Before the list is measured (on the server, and while hydrating) a screenful is assumed, so rows the page
  // rendered with its HTML are there at first paint; the real height takes over once the list is laid out.
  // A few rows beyond the viewport: every rendered row is laid out (and its text shaped) when a scroll brings it in.
  const { items, totalHeight, scrollToIndex } = useFixedRows({ count: sorted.length, rowHeight: ROW_HEIGHT, overscan: 8, scrollRef, initialHeight: SCREEN_HEIGHT });
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = pages;
  const wantsMore = !ranked && !stopped && hasNextPage && !isError;
  useEffect(() => {
    // More rows are wanted while the end of what is loaded is (nearly) on screen; a filter that matches few
    // keys keeps pulling pages until the viewport is full, the scan is done or the user stops it.
    if (wantsMore && !isFetchingNextPage && lastIndex >= loaded.length - 30) void fetchNextPage();
  }, [wantsMore, isFetchingNextPage, fetchNextPage, lastIndex, loaded.length]);

  const { active, setActive, onKeyDown } = useKeyboardNav(sorted.length, scrollToIndex, {
    onMove: (index, extend) => {
      if (extend && index < sorted.length) selection.add(sorted.at(index).param);
    },
    onOpen: (index) => onOpen(sorted.at(index).param),
    onDelete: canWrite
      ? (index) => {
          const params = selected.size ? [...selected] : index !== null ? [sorted.at(index).param] : [];
          if (params.length) setConfirm({ params, pattern: selected.size ? matchingPattern : undefined });
        }
      : undefined,
    onEdit: onEdit && ((index) => onEdit(sorted.at(index).param)),
    onToggle: (index) => selection.toggle(sorted.at(index).param),
  });

  // One click handler for all rows (found by their data-index), so row components take no callbacks
  // and stay memoised while pages are appended.
  const clickList = (event: React.MouseEvent) => {
    const target = event.target as HTMLElement;
    const element = target.closest<HTMLElement>("[data-index]");
    if (!element) return;
    const index = Number(element.dataset.index);
    const row = sorted.at(index);
    if (target instanceof HTMLInputElement && target.type === "checkbox") {
      selection.toggle(row.param);
      return;
    }
    setActive(index);
    if (event.shiftKey && selection.selectRangeTo(index)) return;
    selection.setAnchor(index);
    if (event.ctrlKey || event.metaKey) {
      selection.toggle(row.param);
      return;
    }
    onOpen(row.param);
  };

  const selectAllMatching = async () => {
    setSelectingAll(true);
    try {
      let data = pages.data;
      let count = loaded.length;
      while (data && !data.pages[data.pages.length - 1].done && count < SELECT_ALL_CAP) {
        const result = await fetchNextPage();
        if (result.isError) break;
        data = result.data;
        count = (data?.pages ?? []).reduce((sum, page) => sum + page.rows.length, 0);
      }
      const all = new Set<string>();
      for (const page of data?.pages ?? []) for (const row of page.rows) if (all.size < SELECT_ALL_CAP) all.add(row.param);
      selection.selectMatching(all, describeFilter(filter));
      if (all.size >= SELECT_ALL_CAP) toast(`Selected the first ${formatCount(SELECT_ALL_CAP)} matching keys.`, "info");
    } finally {
      setSelectingAll(false);
    }
  };

  const error = pages.error instanceof ApiError ? pages.error : pages.error ? new ApiError("INTERNAL", pages.error.message) : null;
  const scannedText = `scanned ${progress.estimated ? "≈" : ""}${formatCount(progress.scanned)}${progress.total !== null ? ` of ~${formatCount(progress.total)}` : ""}${
    progress.share !== null ? ` (${Math.floor(progress.share * 100)}%)` : ""
  }`;
  const scope = filter.q || filter.type ? "filter" : filter.ns ? "namespace" : "database";
  // A search is under way while pages are being fetched, or while nothing has matched yet.
  const searching = !ranked && hasNextPage && !stopped && !isError && (isFetchingNextPage || loaded.length === 0);

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
          {ranked
            ? topJob.data?.status === "cancelled" || topJob.data?.status === "interrupted"
              ? `Top ${formatCount(sorted.length)} by ${ranked} of the keys scanned before ${topJob.data.status === "cancelled" ? "cancelling" : "the server running it stopped"}`
              : topJob.data?.status === "done"
                ? `Top ${formatCount(sorted.length)} by ${ranked} of the whole ${scope}`
                : `Ranking by ${ranked} over the whole ${scope}: top ${formatCount(sorted.length)} so far`
            : !hydrated
              ? plural(loaded.length, "key")
              : `${plural(loaded.length, "key")} loaded${hasNextPage ? "" : pages.isSuccess ? " · all" : ""}${sort.by === "name" ? " · sorted: loaded rows" : ""}`}
        </span>
        {!ranked && pages.isSuccess && (hasNextPage || progress.estimated) && (
          <span data-testid="scan-progress" className="tabular-nums">
            {scannedText}
            {stopped ? " · stopped" : ""}
          </span>
        )}
        {searching && (
          <Button size="sm" variant="ghost" onClick={stop}>
            Stop
          </Button>
        )}
        {!ranked && stopped && hasNextPage && (
          <Button size="sm" variant="ghost" onClick={() => setStopped(false)}>
            Continue
          </Button>
        )}
        {isFetchingNextPage && <span>Loading more…</span>}
        <span className="ml-auto flex items-center gap-2">
          {selected.size > 0 && <span>{formatCount(selected.size)} selected</span>}
          {selected.size > 0 && (
            <Button size="sm" variant="ghost" onClick={selection.clear}>
              Clear
            </Button>
          )}
          <Button
            size="sm"
            variant="ghost"
            title="Read the list again from the server"
            disabled={ranked ? topStart.isFetching : pages.isFetching}
            onClick={() => void (ranked ? topStart.refetch() : pages.refetch())}
          >
            {(ranked ? topStart.isFetching : pages.isFetching && !isFetchingNextPage) ? "Refreshing…" : "Refresh"}
          </Button>
          <Button size="sm" variant="secondary" disabled={selectingAll || sorted.length === 0} onClick={() => void selectAllMatching()}>
            {selectingAll ? "Selecting…" : "Select all matching"}
          </Button>
          {onExportKeys && selected.size > 0 && (
            <Button size="sm" variant="secondary" onClick={() => onExportKeys([...selected])}>
              Export…
            </Button>
          )}
          {canWrite && expiry && selected.size > 0 && (
            <Button size="sm" variant="secondary" onClick={() => setTtlRequest({ params: [...selected], pattern: matchingPattern })}>
              TTL…
            </Button>
          )}
          {canWrite && selected.size > 0 && (
            <Button size="sm" variant="danger" onClick={() => setConfirm({ params: [...selected], pattern: matchingPattern })}>
              Delete {plural(selected.size, "key")}
            </Button>
          )}
        </span>
      </div>
      {ranked && topJob.data && (
        <div className="flex items-center gap-3 border-b border-slate-200 px-3 py-1.5 dark:border-slate-800" data-testid="top-progress">
          <div className="min-w-0 flex-1">
            <JobProgressBar job={topJob.data} label="keys ranked" />
          </div>
          {topJob.data.status === "running" && (
            <Button size="sm" variant="ghost" onClick={() => topStart.data && void cancelJob({ connectionId, jobId: topStart.data })}>
              Cancel
            </Button>
          )}
        </div>
      )}
      <div className="grid grid-cols-[1.75rem_minmax(0,1fr)_4rem_4.5rem] @md:grid-cols-[1.75rem_minmax(0,1fr)_4.5rem_5rem_4.5rem] @3xl:grid-cols-[1.75rem_minmax(0,1fr)_4.5rem_8.5rem_5rem_4.5rem_4rem] items-center gap-2 border-b border-slate-200 bg-slate-50 px-3 py-1.5 text-xs font-medium text-slate-500 dark:border-slate-800 dark:bg-slate-900">
        <input
          type="checkbox"
          aria-label="Select all loaded keys"
          checked={selection.allSelected}
          onChange={selection.toggleAll}
        />
        <SortHeader by="name" label="Key" className="" sort={sort} onSort={setSort} />
        <span>Type</span>
        <span className="hidden @3xl:block">Format</span>
        <SortHeader by="ttl" label="TTL" className="" sort={sort} onSort={setSort} />
        <SortHeader by="size" label="Size" className="hidden text-right @md:block" sort={sort} onSort={setSort} />
        <span className="hidden text-right @3xl:block">Items</span>
      </div>
      <div
        ref={scrollRef}
        tabIndex={0}
        role="grid"
        aria-label="Keys"
        aria-rowcount={sorted.length}
        onKeyDown={onKeyDown}
        onClick={clickList}
        data-testid="key-list"
        className="relative min-h-0 flex-1 overflow-y-auto [contain:strict] focus:outline-none"
      >
        {/* Rows rendered with the HTML take no clicks until their handlers are attached: this catches them. */}
        {!hydrated && <div className="absolute inset-0 z-10" aria-hidden data-testid="key-list-hydrating" />}
        {(ranked ? topStart.isPending || (topJob.data?.status === "running" && sorted.length === 0) : pages.isPending) && <ListMessage title="Loading keys…" spinner />}
        {ranked && (topStart.error || topJob.data?.status === "error") && (
          <ListMessage title="Could not sort the keys" tone="error">
            <ErrorText failure={topStart.error ? { code: topStart.error instanceof ApiError ? topStart.error.code : "INTERNAL", message: topStart.error.message } : { code: topJob.data?.error?.code ?? "INTERNAL", message: topJob.data?.error?.message ?? "" }} />
          </ListMessage>
        )}
        {!ranked && error && (
          <ListMessage title="Could not list the keys" tone="error">
            <ErrorText failure={error} />
            <Button size="sm" variant="secondary" className="mt-3" onClick={() => void pages.refetch()}>
              Try again
            </Button>
          </ListMessage>
        )}
        {searching && loaded.length === 0 && (
          <ListMessage title="Searching…" spinner>
            {`Nothing matches yet: ${scannedText}.`}
            <Button size="sm" variant="secondary" className="mt-3" onClick={stop}>
              Stop search
            </Button>
          </ListMessage>
        )}
        {!ranked && stopped && hasNextPage && loaded.length === 0 && (
          <ListMessage title="Search stopped">{`Nothing matched in the part walked: ${scannedText}.`}</ListMessage>
        )}
        {(ranked ? topJob.data?.status === "done" : pages.isSuccess && !hasNextPage) && sorted.length === 0 && (
          <ListMessage title={filter.ns || filter.q || filter.type ? "No keys match this filter" : "This database is empty"}>
            {filter.ns || filter.q || filter.type
              ? `Scanned ${progress.estimated ? "≈" : ""}${plural(progress.scanned, "key")}. Try another pattern, type or namespace.`
              : "There are no keys to show yet."}
          </ListMessage>
        )}
        <div style={{ height: totalHeight }} className="relative w-full">
          {items.map((item) => {
            const row = sorted.at(item.index);
            return (
              <KeyListRow
                key={row.param}
                row={row}
                index={item.index}
                top={item.start}
                hex={hex}
                open={row.param === openKey}
                active={item.index === active}
                checked={selected.has(row.param)}
              />
            );
          })}
        </div>
      </div>
      {ttlRequest && expiry && (
        <SelectionTtlDialog connectionId={connectionId} request={ttlRequest} production={production} canPersist={expiry.canPersist} atomicMissingOnly={expiry.atomicMissingOnly} onClose={() => setTtlRequest(null)} />
      )}
      <DeleteKeysDialog
        connectionId={connectionId}
        request={confirm}
        rows={sorted}
        production={production}
        onClose={() => setConfirm(null)}
        onDeleted={(params) => {
          selection.clear();
          onKeysDeleted(params);
          forgetKeys(params);
        }}
      />
    </div>
  );
}
