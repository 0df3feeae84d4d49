"use client";

import { keepPreviousData, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { inputClass } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import type { TreeChildren, TreeNodeView, TreeState } from "@/lib/wire/tree";
import { queryKeys } from "@/lib/query-keys";
import { cancelTreeScan, fetchTreeChildren, fillTreeLevel, rescanTree } from "./api";
import { formatCount } from "@/lib/format";
import { NamespaceDialog, type NamespaceOperation } from "./namespace-dialog";
import { TreeNode } from "./namespace-tree-node";
import { TreeIndexStatus } from "./namespace-tree-status";
import { POLL_SCANNING_MS, useTreeIndex } from "./use-tree-index";
import { plural } from "@/lib/plural";

interface Props {
  connectionId: string;
  delimiter: string;
  /** The index as the page rendered it on the server (its biggest first-level namespaces); null when it had none. */
  initialState?: TreeState | null;
  selected: string;
  onSelect: (prefixParam: string) => void;
  canWrite: boolean;
  canDelete: boolean;
  canExpire: boolean;
  canPersist: boolean;
  /** `capabilities.atomicExpireIfNoTtl`, for the note in "Set TTL where none". */
  atomicMissingOnly: boolean;
  /** May export / import (the row menu's Export… and Import…). */
  transfer: { export: boolean; import: boolean };
  onTransfer: (prefixParam: string, mode: "export" | "import", count: number) => void;
  /** Beside the "Namespaces" heading: the key browser's button that folds the tree away. */
  headerAction?: React.ReactNode;
}

/** Children asked for per "show more" below an open namespace. */
const PAGE = 200;
/** The most one level lists; past it the level's filter box reaches the rest (the children endpoint's limit). */
const MOST = 10_000;
const NODE_HEIGHT = 44;
/** The tree's size assumed before it is laid out. */
const SCREENFUL = { width: 320, height: 800 };
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

/**
 * The namespace tree, from the connection's shared index: every first-level namespace, biggest first,
 * virtualised; deeper levels load when opened, a page at a time, with a filter where a level is long.
 */
export function NamespaceTree(props: Props) {
  const { connectionId, delimiter } = props;
  const queryClient = useQueryClient();
  const state = useTreeIndex(connectionId, delimiter, props.initialState ?? null);
  const index = state.data ?? null;
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
    // Before the tree is measured (on the server, while hydrating) a screenful is assumed, so namespaces the
    // page rendered with its HTML are in the first paint.
    initialRect: SCREENFUL,
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
  const actions = { write: props.canWrite, delete: props.canDelete, expire: props.canExpire, export: props.transfer.export, import: props.transfer.import };

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
        <TreeIndexStatus index={index} error={state.error} />
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
                    onOperation={(prefix, op) => (op === "export" || op === "import" ? props.onTransfer(prefix, op, row.node.count) : setOperation({ prefix, op }))}
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
          atomicMissingOnly={props.atomicMissingOnly}
          delimiter={delimiter}
          onClose={() => setOperation(null)}
        />
      )}
    </div>
  );
}

