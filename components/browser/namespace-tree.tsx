"use client";

import { keepPreviousData, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { inputClass } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import type { TreeChildren, TreeNodeView, TreeState } from "@/lib/browser/tree-view";
import { queryKeys } from "@/lib/query-keys";
import { cancelTreeScan, fetchTreeChildren, fetchTreeState, fillTreeLevel, rescanTree } from "./api";
import { formatAge, formatBytes, formatCount } from "@/lib/format";
import { HiddenCharactersBadge } from "./hidden-characters-badge";
import { NamespaceDialog, type NamespaceOperation } from "./namespace-dialog";
import { useNow } from "./use-now";
import { plural } from "@/lib/plural";
import { ErrorText } from "@/components/ui/error-text";

interface Props {
  connectionId: string;
  delimiter: string;
  selected: string;
  onSelect: (prefixParam: string) => void;
  canWrite: boolean;
  canDelete: boolean;
  canExpire: boolean;
  canPersist: boolean;
  /** Beside the "Namespaces" heading: the key browser's button that folds the tree away. */
  headerAction?: React.ReactNode;
}

/** Children asked for per "show more" below an open namespace. */
const PAGE = 200;
/** The most one level lists; past it the level's filter box reaches the rest (the children endpoint's limit). */
const MOST = 10_000;
const POLL_SCANNING_MS = 500;
/** While idle, a cheap check for changes others made (a diff of nothing is a few hundred bytes). */
const POLL_IDLE_MS = 5000;
const NODE_HEIGHT = 44;
const LINE_HEIGHT = 28;

type Row =
  | { kind: "node"; node: TreeNodeView; depth: number }
  | { kind: "filter"; prefix: string; depth: number }
  | { kind: "more"; prefix: string; depth: number; shown: number; total: number }
  | { kind: "note"; depth: number; text: string }
  | { kind: "capped"; prefix: string; depth: number; overflow: number; filling: boolean };

interface Level {
  filter: string;
  limit: number;
}

const biggestFirst = (a: TreeNodeView, b: TreeNodeView) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

/**
 * The shared namespace index of the connection, polled as a diff: the first answer carries the whole first
 * level, later ones only the namespaces whose counts changed since the version this page holds.
 */
function useTreeIndex(connectionId: string, delimiter: string) {
  const held = useRef<{ generation: number; version: number; roots: Map<string, TreeNodeView> } | null>(null);
  return useQuery({
    queryKey: [...queryKeys.namespaceTree(connectionId, delimiter), "state"],
    queryFn: async (): Promise<TreeState> => {
      const before = held.current;
      const state = await fetchTreeState(connectionId, before ? { generation: before.generation, version: before.version } : undefined);
      const roots = state.full || !before ? new Map<string, TreeNodeView>() : new Map(before.roots);
      for (const node of state.roots) roots.set(node.prefix, node);
      held.current = { generation: state.generation, version: state.version, roots };
      return { ...state, roots: [...roots.values()].sort(biggestFirst) };
    },
    refetchInterval: (query) => (query.state.data?.scan || query.state.status === "pending" ? POLL_SCANNING_MS : POLL_IDLE_MS),
    retry: false,
  });
}

/**
 * The namespace tree, from the connection's shared index: every first-level namespace, biggest first,
 * virtualised; deeper levels load when opened, a page at a time, with a filter where a level is long.
 */
export function NamespaceTree(props: Props) {
  const { connectionId, delimiter } = props;
  const queryClient = useQueryClient();
  const state = useTreeIndex(connectionId, delimiter);
  const index = state.data ?? null;
  const now = useNow();
  const [expanded, setExpanded] = useState<Map<string, Level>>(new Map());
  const [rootFilter, setRootFilter] = useState("");
  const [rootFilterApplied, setRootFilterApplied] = useState("");
  const [rootLimit, setRootLimit] = useState(0);
  const [operation, setOperation] = useState<{ prefix: string; op: NamespaceOperation } | null>(null);
  // Roving focus: one tree item is the tree's tab stop; the arrow keys move it (WAI-ARIA tree view pattern).
  const [focused, setFocused] = useState<string | null>(null);
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const focusWanted = useRef(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const stamp = index ? `${index.generation}.${index.version}` : "";

  useEffect(() => {
    const timer = setTimeout(() => setRootFilterApplied(rootFilter.trim()), 250);
    return () => clearTimeout(timer);
  }, [rootFilter]);
  // A new filter shows its matches from the top, wherever the long list was scrolled to.
  useEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [rootFilterApplied]);

  // The first level beyond what the index answers with at once, and filtered first levels, come page by page.
  const rootPages = useQuery({
    queryKey: [...queryKeys.namespaceTree(connectionId, delimiter), "roots", rootFilterApplied, rootLimit, stamp],
    queryFn: ({ signal }) => fetchTreeChildren(connectionId, { prefix: "", offset: 0, limit: rootLimit || PAGE, filter: rootFilterApplied }, signal),
    enabled: index !== null && (rootFilterApplied !== "" || rootLimit > 0),
    placeholderData: keepPreviousData,
  });

  const openPrefixes = [...expanded.keys()];
  const levels = useQueries({
    queries: openPrefixes.map((prefix) => {
      const level = expanded.get(prefix)!;
      return {
        queryKey: [...queryKeys.namespaceTree(connectionId, delimiter), "children", prefix, level.filter, level.limit, stamp],
        queryFn: ({ signal }: { signal: AbortSignal }) => fetchTreeChildren(connectionId, { prefix, offset: 0, limit: level.limit, filter: level.filter }, signal),
        enabled: index !== null,
        placeholderData: keepPreviousData,
        refetchInterval: (query: { state: { data?: TreeChildren } }) => (query.state.data?.filling ? POLL_SCANNING_MS * 2 : false),
      };
    }),
  });
  const childrenOf = new Map<string, TreeChildren | undefined>(openPrefixes.map((prefix, i) => [prefix, levels[i].data]));

  const rows: Row[] = [];
  if (index) {
    const out = rows;
    const walk = (nodes: TreeNodeView[], depth: number) => {
      for (const node of nodes) {
        out.push({ kind: "node", node, depth });
        const level = expanded.get(node.prefix);
        if (!level) continue;
        const page = childrenOf.get(node.prefix);
        if (node.childCount > PAGE || level.filter) out.push({ kind: "filter", prefix: node.prefix, depth: depth + 1 });
        if (!page) {
          out.push({ kind: "note", depth: depth + 1, text: "Loading…" });
          continue;
        }
        walk(page.children, depth + 1);
        if (page.total > page.children.length) out.push({ kind: "more", prefix: node.prefix, depth: depth + 1, shown: page.children.length, total: page.total });
        if (page.overflow > 0) out.push({ kind: "capped", prefix: node.prefix, depth: depth + 1, overflow: page.overflow, filling: page.filling });
        if (page.direct > 0 && page.children.length > 0) out.push({ kind: "note", depth: depth + 1, text: `${plural(page.direct, "key")} directly under ${node.label}` });
      }
    };
    const filtered = rootFilterApplied !== "" || rootLimit > 0;
    const roots = filtered && rootPages.data ? rootPages.data.children : index.roots;
    walk(roots, 0);
    const total = filtered && rootPages.data ? rootPages.data.total : index.rootCount;
    if (total > roots.length) out.push({ kind: "more", prefix: "", depth: 0, shown: roots.length, total });
    if (rootFilterApplied && total === 0) out.push({ kind: "note", depth: 0, text: `No namespace contains “${rootFilterApplied}”.` });
    if (index.overflow > 0) out.push({ kind: "note", depth: 0, text: `+${plural(index.overflow, "key")} in first-level namespaces past the index's limit` });
    if (index.ungrouped > 0) out.push({ kind: "note", depth: 0, text: `${plural(index.ungrouped, "key")} outside any namespace` });
  }

  // The virtualizer is mutable by design; the tree re-renders on scroll through it, not through memoisation.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i].kind === "node" ? NODE_HEIGHT : LINE_HEIGHT),
    overscan: 12,
  });

  const toggle = (prefix: string) =>
    setExpanded((current) => {
      const next = new Map(current);
      if (next.has(prefix)) next.delete(prefix);
      else next.set(prefix, { filter: "", limit: PAGE });
      return next;
    });
  const setLevel = (prefix: string, patch: Partial<Level>) =>
    setExpanded((current) => new Map(current).set(prefix, { ...current.get(prefix)!, ...patch }));

  const nodeRows = rows.flatMap((row, i) => (row.kind === "node" ? [{ i, node: row.node, depth: row.depth }] : []));
  const rendered = virtualizer.getVirtualItems().filter((item) => rows[item.index]?.kind === "node");
  const renderedPrefixes = rendered.map((item) => (rows[item.index] as { node: TreeNodeView }).node.prefix);
  // The tab stop is the focused item while it is rendered, else the selected one, else the first one on screen.
  const tabStop =
    focused !== null && renderedPrefixes.includes(focused) ? focused : renderedPrefixes.includes(props.selected) ? props.selected : (renderedPrefixes[0] ?? null);

  const moveFocus = (target: { i: number; node: TreeNodeView } | undefined) => {
    if (!target) return;
    focusWanted.current = true;
    setFocused(target.node.prefix);
    virtualizer.scrollToIndex(target.i);
  };
  useLayoutEffect(() => {
    if (!focusWanted.current || focused === null) return;
    const element = scrollRef.current?.querySelector<HTMLElement>(`[role=treeitem][data-prefix="${CSS.escape(focused)}"]`);
    if (element) {
      focusWanted.current = false;
      element.focus({ preventScroll: true });
    }
  });

  const onTreeKeyDown = (event: React.KeyboardEvent) => {
    const item = event.target as HTMLElement;
    if (item.getAttribute("role") !== "treeitem" || event.altKey || event.ctrlKey || event.metaKey) return;
    const at = nodeRows.findIndex((row) => row.node.prefix === item.dataset.prefix);
    if (at < 0) return;
    const current = nodeRows[at];
    const expandable = current.node.childCount > 0 || current.node.overflow > 0;
    const isOpen = expanded.has(current.node.prefix);
    let handled = true;
    if (event.key === "ArrowDown") moveFocus(nodeRows[at + 1]);
    else if (event.key === "ArrowUp") moveFocus(nodeRows[at - 1]);
    else if (event.key === "Home") moveFocus(nodeRows[0]);
    else if (event.key === "End") moveFocus(nodeRows[nodeRows.length - 1]);
    else if (event.key === "ArrowRight") {
      if (expandable && !isOpen) toggle(current.node.prefix);
      else if (isOpen && nodeRows[at + 1]?.depth === current.depth + 1) moveFocus(nodeRows[at + 1]);
    } else if (event.key === "ArrowLeft") {
      if (isOpen) toggle(current.node.prefix);
      else moveFocus(nodeRows.slice(0, at).findLast((row) => row.depth === current.depth - 1));
    } else if (event.key === "Enter" || event.key === " ") props.onSelect(current.node.prefix);
    else if (event.key === "ContextMenu" || (event.key === "F10" && event.shiftKey)) setMenuFor(current.node.prefix);
    else handled = false;
    if (handled) event.preventDefault();
  };

  const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.namespaceTree(connectionId, delimiter) });
  const rescan = async () => {
    await rescanTree(connectionId).catch(() => undefined);
    refresh();
  };
  const cancel = async () => {
    await cancelTreeScan(connectionId).catch(() => undefined);
    refresh();
  };

  const scan = index?.scan ?? null;
  const scanned = scan ? (scan.total !== null ? Math.min(scan.scanned, scan.total) : scan.scanned) : (index?.count ?? 0);
  const share = scan ? (scan.total ? Math.min(1, scan.scanned / scan.total) : null) : 1;
  const actions = { write: props.canWrite, delete: props.canDelete, expire: props.canExpire };

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="namespace-tree">
      <div className="space-y-2 border-b border-slate-200 p-3 dark:border-slate-800">
        <div className="flex items-center gap-1">
          {props.headerAction}
          <h2 className="mr-auto text-xs font-semibold tracking-wide text-slate-500 uppercase">Namespaces</h2>
          {scan ? (
            <Button size="sm" variant="ghost" onClick={() => void cancel()}>
              Cancel scan
            </Button>
          ) : (
            index && (
              <Button size="sm" variant="ghost" onClick={() => void rescan()}>
                Rescan
              </Button>
            )
          )}
        </div>
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
              <span data-testid="index-status">
                {index.scannedAt !== null ? `Scanned ${formatAge(now - index.scannedAt)}` : "Scanning"}
                {scan && index.scannedAt !== null ? " · rescanning" : ""}
              </span>
              <span>
                {scan
                  ? `${formatCount(scanned)}${scan.total !== null ? ` / ${formatCount(scan.total)}` : ""} scanned`
                  : `${plural(index.count, "key")}${index.outcome === "cancelled" ? " · cancelled" : index.outcome === "done" ? " · done" : ""}`}
              </span>
            </div>
            {index.sampleEvery > 1 && index.count > 0 && (
              <p className="text-[11px] text-slate-500">Sizes and TTL shares are sampled: 1 key in {formatCount(index.sampleEvery)} was measured.</p>
            )}
          </div>
        )}
        {state.error && (
          <div role="alert" className="text-xs text-red-700 dark:text-red-300">
            <ErrorText failure={{ code: "code" in state.error ? String(state.error.code) : "INTERNAL", message: state.error.message }} />
          </div>
        )}
        {index?.error && (
          <div role="alert" className="text-xs text-red-700 dark:text-red-300">
            <ErrorText failure={index.error} />
          </div>
        )}
        <input
          type="search"
          aria-label="Filter namespaces"
          placeholder={index && index.rootCount > 0 ? `Filter ${plural(index.rootCount, "namespace")}` : "Filter namespaces"}
          className={`${inputClass} py-1 text-xs`}
          value={rootFilter}
          onChange={(e) => setRootFilter(e.target.value)}
        />
      </div>
      <button
        type="button"
        aria-pressed={props.selected === ""}
        onClick={() => props.onSelect("")}
        className={`mx-1.5 mt-1.5 flex items-center rounded px-2 py-1 text-left text-sm ${props.selected === "" ? "bg-indigo-50 font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
      >
        All keys
        {index?.scannedAt != null && !scan && <span className="ml-auto text-xs text-slate-500 tabular-nums">{formatCount(index.count)}</span>}
      </button>
      <div ref={scrollRef} className="min-h-0 flex-1 overflow-y-auto px-1.5 pb-1.5 text-sm" role="tree" aria-label="Namespaces" onKeyDown={onTreeKeyDown}>
        {!index && !state.error && <p className="px-2 py-3 text-xs text-slate-500">Scanning…</p>}
        {index && index.count === 0 && !scan && index.outcome === "done" && <p className="px-2 py-3 text-xs text-slate-500">No namespaces: the database is empty.</p>}
        <div role="none" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            const style = { position: "absolute" as const, top: 0, left: 0, width: "100%", height: item.size, transform: `translateY(${item.start}px)` };
            const indent = { paddingLeft: `${row.depth * 12 + 22}px` };
            if (row.kind === "node") {
              return (
                <div key={`n:${row.node.prefix}`} style={style} className="focus-within:z-10" role="none">
                  <TreeNode
                    node={row.node}
                    depth={row.depth}
                    index={item.index}
                    open={expanded.has(row.node.prefix)}
                    onToggle={toggle}
                    selected={props.selected}
                    onSelect={props.onSelect}
                    onOperation={(prefix, op) => setOperation({ prefix, op })}
                    actions={actions}
                    tabStop={tabStop === row.node.prefix}
                    onFocused={setFocused}
                    menuOpen={menuFor === row.node.prefix}
                    onMenu={(open) => setMenuFor(open ? row.node.prefix : null)}
                  />
                </div>
              );
            }
            if (row.kind === "filter") {
              const level = expanded.get(row.prefix)!;
              return (
                <div key={`f:${row.prefix}`} style={{ ...style, ...indent }} className="flex items-center pr-1" role="none">
                  <input
                    type="search"
                    aria-label="Filter this level"
                    placeholder="Filter this level"
                    className={`${inputClass} py-0.5 text-xs`}
                    value={level.filter}
                    onChange={(e) => setLevel(row.prefix, { filter: e.target.value, limit: PAGE })}
                  />
                </div>
              );
            }
            if (row.kind === "more") {
              return (
                <div key={`m:${row.prefix}`} style={{ ...style, ...indent }} className="flex items-center" role="none">
                  {row.shown < MOST ? (
                    <button
                      type="button"
                      className="text-xs text-indigo-700 hover:underline dark:text-indigo-300"
                      onClick={() => {
                        if (row.prefix === "") setRootLimit(Math.min(MOST, row.shown + PAGE * 5));
                        else setLevel(row.prefix, { limit: Math.min(MOST, row.shown + PAGE) });
                      }}
                    >
                      Show more ({formatCount(row.total - row.shown)} smaller not shown)
                    </button>
                  ) : (
                    <span className="text-xs text-slate-500">{formatCount(row.total - row.shown)} smaller not shown: filter to reach them</span>
                  )}
                </div>
              );
            }
            if (row.kind === "capped") {
              return (
                <div key={`c:${row.prefix}`} style={{ ...style, ...indent }} className="flex items-center gap-1 text-[11px] text-slate-500" role="none">
                  <span className="truncate">+{plural(row.overflow, "key")} in more namespaces than the index keeps.</span>
                  {row.filling ? (
                    <span className="shrink-0">Scanning this level…</span>
                  ) : (
                    <button
                      type="button"
                      className="shrink-0 text-indigo-700 hover:underline dark:text-indigo-300"
                      onClick={() => void fillTreeLevel(connectionId, row.prefix).then(refresh, refresh)}
                    >
                      Scan this level
                    </button>
                  )}
                </div>
              );
            }
            return (
              <p key={`t:${item.index}`} style={{ ...style, ...indent }} className="truncate py-1.5 text-[11px] text-slate-500" title={row.text}>
                {row.text}
              </p>
            );
          })}
        </div>
      </div>
      {operation && (
        <NamespaceDialog
          connectionId={connectionId}
          prefixParam={operation.prefix}
          operation={operation.op}
          canPersist={props.canPersist}
          delimiter={delimiter}
          onClose={() => setOperation(null)}
        />
      )}
    </div>
  );
}

function TreeNode({
  node,
  depth,
  index,
  open,
  onToggle,
  selected,
  onSelect,
  onOperation,
  actions,
  tabStop,
  onFocused,
  menuOpen,
  onMenu,
}: {
  node: TreeNodeView;
  depth: number;
  index: number;
  open: boolean;
  onToggle: (prefix: string) => void;
  selected: string;
  onSelect: (prefix: string) => void;
  onOperation: (prefix: string, op: NamespaceOperation) => void;
  actions: { write: boolean; delete: boolean; expire: boolean };
  tabStop: boolean;
  onFocused: (prefix: string) => void;
  menuOpen: boolean;
  onMenu: (open: boolean) => void;
}) {
  const isSelected = selected === node.prefix;
  const expandable = node.childCount > 0 || node.overflow > 0;
  const withTtl = node.noTtl !== null && node.count > 0 ? (node.count - node.noTtl) / node.count : null;
  const menuButton = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const items = (
    [
      ["count", "Count keys", true],
      ["expire", "Set TTL on all…", actions.write && actions.expire],
      ["delete", "Delete all…", actions.write && actions.delete],
    ] as const
  ).filter(([, , shown]) => shown);

  useEffect(() => {
    if (menuOpen) menuRef.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
  }, [menuOpen]);
  useEffect(() => {
    if (!menuOpen) return;
    // A press anywhere outside the menu and its button closes it.
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (menuRef.current?.contains(target) || menuButton.current?.contains(target)) return;
      onMenu(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [menuOpen, onMenu]);

  const closeMenu = (refocus: HTMLElement | null) => {
    onMenu(false);
    refocus?.focus();
  };

  return (
    <div
      role="treeitem"
      tabIndex={tabStop ? 0 : -1}
      data-prefix={node.prefix}
      onFocus={() => onFocused(node.prefix)}
      aria-level={depth + 1}
      aria-selected={isSelected}
      aria-expanded={expandable ? open : undefined}
      aria-label={node.label}
      data-count={node.count}
      data-index={index}
      title={node.scheme ? `${node.label} — ${node.scheme}` : node.label}
      className={`group relative flex h-full items-center gap-1 rounded pr-1 focus-visible:outline-offset-[-2px] ${isSelected ? "bg-indigo-50 dark:bg-indigo-950" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
      style={{ paddingLeft: `${depth * 12 + 2}px` }}
    >
      <button
        type="button"
        aria-label={open ? `Collapse ${node.label}` : `Expand ${node.label}`}
        tabIndex={-1}
        className={`h-5 w-4 shrink-0 text-xs text-slate-400 ${expandable ? "" : "invisible"}`}
        onClick={() => onToggle(node.prefix)}
      >
        {open ? "▾" : "▸"}
      </button>
      {/* The name has the first line to itself (the scheme sits with the counts below, the actions button
          floats over the row's edge only while wanted), the hover title has name and scheme in full, and the
          tree pane can be dragged wider. */}
      <button type="button" tabIndex={-1} className="min-w-0 flex-1 text-left" onClick={() => onSelect(isSelected ? "" : node.prefix)}>
        <span className="flex items-center gap-1.5">
          <span data-testid="namespace-name" className={`truncate font-mono text-[13px] ${isSelected ? "font-semibold text-indigo-800 dark:text-indigo-200" : ""}`}>
            {node.label}
          </span>
          {node.hidden && <HiddenCharactersBadge small />}
        </span>
        <span className="mt-0.5 flex min-w-0 items-center gap-2 text-[11px] whitespace-nowrap text-slate-500 tabular-nums">
          <span className="shrink-0">{plural(node.count, "key")}</span>
          {node.size !== null && (
            <span className="shrink-0" title={node.sampled ? "Estimated from a sample of the keys" : undefined}>
              {node.sampled ? "≈ " : ""}
              {formatBytes(node.size)}
            </span>
          )}
          {withTtl !== null && (
            <span
              className="h-1 w-10 shrink-0 overflow-hidden rounded-full bg-slate-300 dark:bg-slate-600"
              title={`${node.sampled ? "About " : ""}${formatCount(node.noTtl ?? 0)} of ${plural(node.count, "key")} never expire${node.sampled ? " (sampled)" : ""}`}
            >
              <span className="block h-full bg-sky-500" style={{ width: `${Math.round(withTtl * 100)}%` }} />
            </span>
          )}
          {node.scheme && (
            <span data-testid="scheme-label" className="min-w-0 truncate rounded bg-emerald-100 px-1 text-[10px] font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
              {node.scheme}
            </span>
          )}
        </span>
      </button>
      <button
        type="button"
        aria-label={`Actions for ${node.label}`}
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        tabIndex={tabStop ? 0 : -1}
        ref={menuButton}
        className="absolute top-1 right-1 rounded bg-inherit px-1 text-slate-400 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 hover:bg-slate-200 focus:opacity-100 aria-expanded:opacity-100 dark:hover:bg-slate-700"
        onClick={() => onMenu(!menuOpen)}
      >
        ⋯
      </button>
      {menuOpen && (
        <div
          ref={menuRef}
          role="menu"
          aria-label={`Actions for ${node.label}`}
          className="absolute top-full right-1 z-20 w-44 rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
          onKeyDown={(event) => {
            const entries = [...(menuRef.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
            const at = entries.indexOf(document.activeElement as HTMLElement);
            let next: HTMLElement | undefined;
            if (event.key === "ArrowDown") next = entries[(at + 1) % entries.length];
            else if (event.key === "ArrowUp") next = entries[(at - 1 + entries.length) % entries.length];
            else if (event.key === "Home") next = entries[0];
            else if (event.key === "End") next = entries[entries.length - 1];
            else if (event.key === "Escape") {
              event.preventDefault();
              // The key browser closes the open key on Esc: this one only closes the menu.
              event.stopPropagation();
              closeMenu(menuButton.current);
              return;
            } else if (event.key === "Tab") {
              onMenu(false);
              return;
            } else return;
            event.preventDefault();
            event.stopPropagation();
            next?.focus();
          }}
        >
          {items.map(([op, label]) => (
            <button
              key={op}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={`block w-full px-3 py-1.5 text-left hover:bg-slate-100 focus:bg-slate-100 focus:outline-none dark:hover:bg-slate-800 dark:focus:bg-slate-800 ${op === "delete" ? "text-red-700 dark:text-red-300" : ""}`}
              onClick={() => {
                onMenu(false);
                onOperation(node.prefix, op);
              }}
            >
              {label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
