"use client";

import { useRef, useSyncExternalStore } from "react";

/**
 * Widths of the key browser's panes (px, from `md` up) and whether the namespace tree is folded away. The
 * key detail is `null` until someone resizes it: then it takes a share of the page that suits every width.
 */
interface PaneLayout {
  tree: number;
  detail: number | null;
  treeCollapsed: boolean;
}

const STORAGE_KEY = "cacheboard:panes";
export const TREE_WIDTH = { min: 180, max: 560, initial: 240 };
export const DETAIL_WIDTH = { min: 360, max: 1200 };
const defaults: PaneLayout = { tree: TREE_WIDTH.initial, detail: null, treeCollapsed: false };

const listeners = new Set<() => void>();
const clamp = (value: number, range: { min: number; max: number }) => Math.round(Math.min(range.max, Math.max(range.min, value)));

function parse(raw: string | null): PaneLayout {
  if (!raw) return defaults;
  try {
    const stored = JSON.parse(raw) as Partial<PaneLayout>;
    return {
      tree: typeof stored.tree === "number" ? clamp(stored.tree, TREE_WIDTH) : defaults.tree,
      detail: typeof stored.detail === "number" ? clamp(stored.detail, DETAIL_WIDTH) : defaults.detail,
      treeCollapsed: stored.treeCollapsed === true,
    };
  } catch {
    return defaults;
  }
}

function readRaw(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The pane layout, remembered in this browser for every connection; the server renders the defaults. */
export function usePaneLayout(): [PaneLayout, (patch: Partial<PaneLayout>) => void] {
  const raw = useSyncExternalStore(subscribe, readRaw, () => null);
  const layout = parse(raw);
  const update = (patch: Partial<PaneLayout>) => {
    const next = { ...parse(readRaw()), ...patch };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // Storage refused: the panes still resize, they just are not remembered.
    }
    for (const listener of listeners) listener();
  };
  return [layout, update];
}

/**
 * The bar between two panes: drag it, or focus it and use the arrow keys (Shift for bigger steps, Home and
 * End for the limits). `grows` says which arrow widens the pane it sizes: the tree sits left of its handle,
 * the key detail right of its.
 */
export function PaneHandle({
  label,
  value,
  range,
  grows,
  pane,
  onChange,
  testId,
}: {
  label: string;
  /** The remembered width, or null while the pane keeps its default share. */
  value: number | null;
  range: { min: number; max: number };
  grows: "right" | "left";
  /** The pane it sizes: a resize starts from its width on screen (the default share, or a cap on a small window). */
  pane: () => HTMLElement | null;
  onChange: (value: number) => void;
  testId?: string;
}) {
  const drag = useRef<{ x: number; value: number } | null>(null);
  const sign = grows === "right" ? 1 : -1;
  const shown = () => Math.round(pane()?.getBoundingClientRect().width ?? value ?? range.min);
  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={value ?? undefined}
      aria-valuemin={range.min}
      aria-valuemax={range.max}
      tabIndex={0}
      data-testid={testId}
      className="group relative z-10 -mx-1 hidden w-2 shrink-0 cursor-col-resize touch-none md:block focus-visible:outline-none"
      onPointerDown={(event) => {
        event.preventDefault();
        event.currentTarget.setPointerCapture(event.pointerId);
        drag.current = { x: event.clientX, value: shown() };
      }}
      onPointerMove={(event) => {
        if (!drag.current) return;
        onChange(clamp(drag.current.value + sign * (event.clientX - drag.current.x), range));
      }}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
      onKeyDown={(event) => {
        const step = event.shiftKey ? 64 : 16;
        let next: number | null = null;
        if (event.key === "ArrowRight") next = shown() + sign * step;
        else if (event.key === "ArrowLeft") next = shown() - sign * step;
        else if (event.key === "Home") next = range.min;
        else if (event.key === "End") next = range.max;
        if (next === null) return;
        event.preventDefault();
        onChange(clamp(next, range));
      }}
    >
      <span className="absolute inset-y-0 left-1/2 w-0.5 -translate-x-1/2 bg-transparent transition-colors group-hover:bg-indigo-400 group-focus-visible:bg-indigo-500 group-active:bg-indigo-500" />
    </div>
  );
}
