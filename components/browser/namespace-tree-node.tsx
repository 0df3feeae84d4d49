"use client";

import { useEffect, useRef } from "react";
import type { TreeNodeView } from "@/lib/wire/tree";
import { formatBytes, formatCount } from "@/lib/format";
import { plural } from "@/lib/plural";
import { HiddenCharactersBadge } from "./hidden-characters-badge";
import type { NamespaceOperation } from "./namespace-dialog";

/** One namespace in the tree: its name, counts, size and TTL share, and its actions menu. */
export function TreeNode({
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
  onOperation: (prefix: string, op: NamespaceOperation | "export" | "import") => void;
  actions: { write: boolean; delete: boolean; expire: boolean; export: boolean; import: boolean };
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
      ["export", "Export…", actions.export],
      ["import", "Import…", actions.import],
      ["expire", "Set TTL on all…", actions.write && actions.expire],
      ["expireMissing", "Set TTL where none…", actions.write && actions.expire],
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
