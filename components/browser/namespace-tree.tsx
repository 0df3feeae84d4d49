"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cancelJob } from "@/lib/actions/namespaces/cancel-job";
import type { TreeNodeView, TreeResult } from "@/lib/browser/key-row";
import { queryKeys } from "@/lib/query-keys";
import { startTreeScan } from "./api";
import { formatBytes, formatCount } from "./format";
import { HiddenCharactersBadge } from "./hidden-characters-badge";
import { JobProgressBar } from "./job-progress-bar";
import { NamespaceDialog, type NamespaceOperation } from "./namespace-dialog";
import { useJob } from "./use-job";

interface Props {
  connectionId: string;
  delimiter: string;
  selected: string;
  onSelect: (prefixParam: string) => void;
  canWrite: boolean;
  canDelete: boolean;
  canExpire: boolean;
  canPersist: boolean;
}

/** The namespace tree: filled in by a background scan, with its progress, a cancel button and node actions. */
export function NamespaceTree(props: Props) {
  const { connectionId, delimiter } = props;
  const queryClient = useQueryClient();
  const scan = useQuery({
    queryKey: queryKeys.namespaceTree(connectionId, delimiter),
    queryFn: () => startTreeScan(connectionId),
    staleTime: Infinity,
    retry: false,
  });
  const job = useJob<TreeResult>(connectionId, scan.data ?? null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [operation, setOperation] = useState<{ prefix: string; op: NamespaceOperation } | null>(null);
  const tree = job.data?.result ?? null;
  const rescan = () => void queryClient.invalidateQueries({ queryKey: queryKeys.namespaceTree(connectionId, delimiter) });
  const error = scan.error ?? job.error;

  const toggle = (prefix: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(prefix)) next.delete(prefix);
      else next.add(prefix);
      return next;
    });

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="namespace-tree">
      <div className="space-y-2 border-b border-slate-200 p-3 dark:border-slate-800">
        <div className="flex items-center justify-between">
          <h2 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Namespaces</h2>
          {job.data?.status === "running" ? (
            <Button size="sm" variant="ghost" onClick={() => scan.data && void cancelJob({ connectionId, jobId: scan.data })}>
              Cancel scan
            </Button>
          ) : (
            <Button size="sm" variant="ghost" onClick={rescan}>
              Rescan
            </Button>
          )}
        </div>
        {job.data && <JobProgressBar job={job.data} label="keys" />}
        {error && (
          <p role="alert" className="text-xs text-red-700 dark:text-red-300">
            {"code" in error ? `${String(error.code)}: ` : ""}
            {error.message}
          </p>
        )}
        {job.data?.status === "error" && (
          <p role="alert" className="text-xs text-red-700 dark:text-red-300">
            {job.data.error?.code}: {job.data.error?.message}
          </p>
        )}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto p-1.5 text-sm" role="tree" aria-label="Namespaces">
        <button
          type="button"
          role="treeitem"
          aria-selected={props.selected === ""}
          onClick={() => props.onSelect("")}
          className={`flex w-full items-center rounded px-2 py-1 text-left ${props.selected === "" ? "bg-indigo-50 font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
        >
          All keys
          {job.data?.status === "done" && <span className="ml-auto text-xs text-slate-500 tabular-nums">{formatCount(job.data.progress.scanned)}</span>}
        </button>
        {!tree && !error && job.data?.status !== "error" && <p className="px-2 py-3 text-xs text-slate-500">Scanning…</p>}
        {tree?.roots.map((node) => (
          <TreeNode
            key={node.prefix}
            node={node}
            depth={0}
            expanded={expanded}
            onToggle={toggle}
            selected={props.selected}
            onSelect={props.onSelect}
            onOperation={(prefix, op) => setOperation({ prefix, op })}
            actions={{ write: props.canWrite, delete: props.canDelete, expire: props.canExpire }}
          />
        ))}
        {tree && tree.ungrouped > 0 && (
          <p className="px-2 py-1 text-xs text-slate-500">
            {formatCount(tree.ungrouped)} keys outside any namespace
          </p>
        )}
        {tree && tree.omitted > 0 && <p className="px-2 py-1 text-xs text-slate-500">{formatCount(tree.omitted)} smaller namespaces not shown</p>}
        {tree && tree.roots.length === 0 && tree.ungrouped === 0 && job.data?.status === "done" && (
          <p className="px-2 py-3 text-xs text-slate-500">No namespaces: the database is empty.</p>
        )}
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
  expanded,
  onToggle,
  selected,
  onSelect,
  onOperation,
  actions,
}: {
  node: TreeNodeView;
  depth: number;
  expanded: Set<string>;
  onToggle: (prefix: string) => void;
  selected: string;
  onSelect: (prefix: string) => void;
  onOperation: (prefix: string, op: NamespaceOperation) => void;
  actions: { write: boolean; delete: boolean; expire: boolean };
}) {
  const open = expanded.has(node.prefix);
  const isSelected = selected === node.prefix;
  const withTtl = node.count > 0 ? (node.count - node.noTtl) / node.count : 0;
  const [menu, setMenu] = useState(false);
  return (
    <div role="none">
      <div
        role="treeitem"
        aria-selected={isSelected}
        aria-expanded={node.children.length > 0 ? open : undefined}
        aria-label={node.label}
        className={`group relative flex items-center gap-1 rounded py-0.5 pr-1 ${isSelected ? "bg-indigo-50 dark:bg-indigo-950" : "hover:bg-slate-100 dark:hover:bg-slate-800"}`}
        style={{ paddingLeft: `${depth * 12 + 2}px` }}
      >
        <button
          type="button"
          aria-label={open ? `Collapse ${node.label}` : `Expand ${node.label}`}
          className={`h-5 w-4 shrink-0 text-xs text-slate-400 ${node.children.length ? "" : "invisible"}`}
          onClick={() => onToggle(node.prefix)}
        >
          {open ? "▾" : "▸"}
        </button>
        <button type="button" className="min-w-0 flex-1 text-left" onClick={() => onSelect(isSelected ? "" : node.prefix)} title={node.scheme ?? undefined}>
          <span className="flex items-center gap-1.5">
            <span className={`truncate font-mono text-[13px] ${isSelected ? "font-semibold text-indigo-800 dark:text-indigo-200" : ""}`}>{node.label}</span>
            {node.hidden && <HiddenCharactersBadge small />}
            {node.scheme && (
              <span data-testid="scheme-label" className="shrink-0 truncate rounded bg-emerald-100 px-1 text-[10px] font-medium text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
                {node.scheme}
              </span>
            )}
          </span>
          <span className="mt-0.5 flex items-center gap-2 text-[11px] text-slate-500 tabular-nums">
            <span>{formatCount(node.count)} keys</span>
            <span>{formatBytes(node.size)}</span>
            <span
              className="h-1 w-10 overflow-hidden rounded-full bg-slate-300 dark:bg-slate-600"
              title={`${formatCount(node.noTtl)} of ${formatCount(node.count)} keys never expire`}
            >
              <span className="block h-full bg-sky-500" style={{ width: `${Math.round(withTtl * 100)}%` }} />
            </span>
          </span>
        </button>
        <button
          type="button"
          aria-label={`Actions for ${node.label}`}
          aria-haspopup="menu"
          aria-expanded={menu}
          className="rounded px-1 text-slate-400 opacity-0 group-hover:opacity-100 hover:bg-slate-200 focus:opacity-100 aria-expanded:opacity-100 dark:hover:bg-slate-700"
          onClick={() => setMenu((m) => !m)}
        >
          ⋯
        </button>
        {menu && (
          <div
            role="menu"
            className="absolute top-full right-1 z-20 w-44 rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
            onMouseLeave={() => setMenu(false)}
          >
            {(
              [
                ["count", "Count keys", true],
                ["expire", "Set TTL on all…", actions.write && actions.expire],
                ["delete", "Delete all…", actions.write && actions.delete],
              ] as const
            )
              .filter(([, , shown]) => shown)
              .map(([op, label]) => (
                <button
                  key={op}
                  type="button"
                  role="menuitem"
                  className={`block w-full px-3 py-1.5 text-left hover:bg-slate-100 dark:hover:bg-slate-800 ${op === "delete" ? "text-red-700 dark:text-red-300" : ""}`}
                  onClick={() => {
                    setMenu(false);
                    onOperation(node.prefix, op);
                  }}
                >
                  {label}
                </button>
              ))}
          </div>
        )}
      </div>
      {open &&
        node.children.map((child) => (
          <TreeNode
            key={child.prefix}
            node={child}
            depth={depth + 1}
            expanded={expanded}
            onToggle={onToggle}
            selected={selected}
            onSelect={onSelect}
            onOperation={onOperation}
            actions={actions}
          />
        ))}
      {open && node.overflow > 0 && (
        <p className="py-0.5 text-[11px] text-slate-500" style={{ paddingLeft: `${(depth + 1) * 12 + 20}px` }}>
          +{formatCount(node.overflow)} keys in more namespaces
        </p>
      )}
    </div>
  );
}
