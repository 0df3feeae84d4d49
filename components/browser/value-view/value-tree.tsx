"use client";

import { useMemo, useState, type ReactNode } from "react";
import { pyBytesRepr, pyObjectRepr, pyStrRepr, pythonFloatRepr, type PlainValue } from "@/lib/codecs";
import { plural } from "@/lib/plural";

const MAX_CHILDREN = 500;
/** Containers opened by default stop once this many rows would show; the rest open on a click. */
const MAX_OPEN_ROWS = 2000;
const OPEN_DEPTH = 3;
/** Containers examined to find shared ones; past this a value is still shown, without that bookkeeping. */
const MAX_LAYOUT_NODES = 100_000;

type Container = Exclude<PlainValue, null | boolean | bigint | number | string | Uint8Array>;

function Scalar({ value }: { value: PlainValue }) {
  if (value === null) return <span className="text-slate-500">None</span>;
  if (typeof value === "boolean") return <span className="text-violet-700 dark:text-violet-300">{value ? "True" : "False"}</span>;
  if (typeof value === "bigint") return <span className="text-sky-700 dark:text-sky-300">{value.toString()}</span>;
  if (typeof value === "number") return <span className="text-sky-700 dark:text-sky-300">{pythonFloatRepr(value)}</span>;
  if (typeof value === "string") return <span className="break-all text-emerald-700 dark:text-emerald-300">{pyStrRepr(value)}</span>;
  if (value instanceof Uint8Array) return <span className="break-all text-amber-700 dark:text-amber-300">{pyBytesRepr(value)}</span>;
  return null;
}

function isContainer(value: PlainValue): value is Container {
  return typeof value === "object" && value !== null && !(value instanceof Uint8Array);
}

function children(value: Container): { label?: PlainValue; value: PlainValue }[] | null {
  if (Array.isArray(value)) return value.map((v) => ({ value: v }));
  switch (value.kind) {
    case "dict":
      return value.entries.map(([k, v]) => ({ label: k, value: v }));
    case "tuple":
    case "set":
    case "frozenset":
      return value.items.map((v) => ({ value: v }));
    default:
      return null;
  }
}

function leafOf(value: Container) {
  if (Array.isArray(value)) return null;
  switch (value.kind) {
    case "opaque":
      return (
        <span className="inline-flex max-w-full items-baseline gap-1.5 rounded border border-amber-400/60 bg-amber-50 px-1.5 font-mono text-amber-900 dark:border-amber-500/40 dark:bg-amber-950/40 dark:text-amber-200" title="Shown as recorded; Cacheboard never runs pickled code">
          <span className="text-[10px] font-sans font-semibold tracking-wide uppercase">object</span>
          <span className="break-all">{value.text}</span>
        </span>
      );
    case "pyobject":
      return <span className="break-all text-sky-700 dark:text-sky-300">{pyObjectRepr(value)}</span>;
    case "bytearray":
      return <span className="text-amber-700 dark:text-amber-300">bytearray({pyBytesRepr(value.bytes)})</span>;
    case "float32":
      return <span className="text-sky-700 dark:text-sky-300">{pythonFloatRepr(value.value)} <span className="text-xs text-slate-500">float32</span></span>;
    case "ext":
      return <span className="text-amber-700 dark:text-amber-300">ExtType({value.type}, {pyBytesRepr(value.data)})</span>;
    case "timestamp":
      return <span className="text-sky-700 dark:text-sky-300">Timestamp({value.seconds.toString()}s, {value.nanoseconds}ns)</span>;
    default:
      return null;
  }
}

const kindLabel = (value: Container, count: number): string => {
  const name = Array.isArray(value) ? "list" : value.kind === "dict" && value.ordered ? "OrderedDict" : value.kind;
  return `${name} · ${name === "dict" || name === "OrderedDict" ? plural(count, "entry", "entries") : plural(count, "item")}`;
};

/** A child's place in its parent: the label of entry i is slot 2i, its value 2i + 1. */
interface Place {
  parent: object | null;
  slot: number;
}

/**
 * Where each container is shown in full. A pickle's memo (or any shared reference) can put one object in
 * many places, and a 200-byte value can hold 10^9 paths to its leaves: each container is expanded at the
 * first place a reading in order meets it, and every other place shows a reference to it instead, so the
 * tree is as big as the value, not as big as its expansion.
 */
interface Layout {
  home: Map<object, Place>;
  /** Numbers for containers shown in more than one place (or inside themselves), in reading order. */
  ids: Map<object, number>;
  /** Containers open at first: the top levels, as long as the rows they show stay few. */
  open: Set<object>;
}

function expandable(value: PlainValue): value is Container {
  return isContainer(value) && children(value) !== null;
}

function layoutOf(root: PlainValue): Layout {
  const layout: Layout = { home: new Map(), ids: new Map(), open: new Set() };
  if (!expandable(root)) return layout;
  let rows = 1;
  const shared = new Set<object>();
  const work: { value: Container; place: Place; depth: number; shown: boolean }[] = [{ value: root, place: { parent: null, slot: 0 }, depth: 0, shown: true }];
  while (work.length > 0 && layout.home.size < MAX_LAYOUT_NODES) {
    const { value, place, depth, shown } = work.pop()!;
    if (layout.home.has(value)) {
      shared.add(value);
      continue;
    }
    layout.home.set(value, place);
    const items = children(value)!;
    const visible = Math.min(items.length, MAX_CHILDREN);
    const open = shown && depth < OPEN_DEPTH && rows + visible <= MAX_OPEN_ROWS;
    if (open) {
      layout.open.add(value);
      rows += visible;
    }
    // Pushed last to first, so they are taken in reading order: entry 0's label, its value, entry 1's…
    for (let i = visible - 1; i >= 0; i--) {
      const { label, value: child } = items[i];
      if (expandable(child)) work.push({ value: child, place: { parent: value, slot: 2 * i + 1 }, depth: depth + 1, shown: open });
      if (label !== undefined && expandable(label)) work.push({ value: label, place: { parent: value, slot: 2 * i }, depth: depth + 1, shown: open });
    }
  }
  // Homes were found in reading order, so numbering them in that order puts #1 nearest the top.
  for (const value of layout.home.keys()) if (shared.has(value)) layout.ids.set(value, layout.ids.size + 1);
  return layout;
}

function Node({ label, value, place, layout }: { label?: PlainValue; value: PlainValue; place: Place; layout: Layout }) {
  const name =
    label === undefined ? null : (
      <span className="mr-1 font-medium text-slate-800 dark:text-slate-200">
        {isContainer(label) ? <Node value={label} place={{ parent: place.parent, slot: place.slot - 1 }} layout={layout} /> : <Scalar value={label} />}
        <span className="text-slate-400">:</span>
      </span>
    );
  if (!isContainer(value)) {
    return (
      <div className="py-0.5" data-tree-leaf>
        {name}
        <Scalar value={value} />
      </div>
    );
  }
  const leaf = leafOf(value);
  if (leaf) {
    return (
      <div className="py-0.5">
        {name}
        {leaf}
      </div>
    );
  }
  const home = layout.home.get(value);
  if (home && (home.parent !== place.parent || home.slot !== place.slot)) {
    return (
      <div className="py-0.5" data-tree-ref>
        {name}
        <span className="text-slate-500 italic">↺ same object as {layout.ids.has(value) ? `#${layout.ids.get(value)}` : "shown elsewhere"}</span>
      </div>
    );
  }
  return <Folder name={name} value={value} layout={layout} />;
}

/** A container's rows exist only while it is open: a closed one costs one line however much it holds. */
function Folder({ name, value, layout }: { name: ReactNode; value: Container; layout: Layout }) {
  const [open, setOpen] = useState(() => layout.open.has(value));
  const items = children(value) ?? [];
  const id = layout.ids.get(value);
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)} className="py-0.5">
      <summary className="cursor-pointer select-none marker:text-slate-400">
        {name}
        <span className="text-xs text-slate-500">{kindLabel(value, items.length)}</span>
        {id !== undefined && <span className="ml-1.5 text-xs text-slate-400">#{id}</span>}
      </summary>
      {open && (
        <div className="ml-3 border-l border-slate-200 pl-3 dark:border-slate-700">
          {items.slice(0, MAX_CHILDREN).map((child, i) => (
            <Node key={i} label={child.label} value={child.value} place={{ parent: value, slot: 2 * i + 1 }} layout={layout} />
          ))}
          {items.length > MAX_CHILDREN && <div className="py-0.5 text-xs text-slate-500">… {items.length - MAX_CHILDREN} more not shown</div>}
        </div>
      )}
    </details>
  );
}

/**
 * A decoded value as a tree: containers fold, objects the pickle would have built stay opaque, and a
 * container met again (shared or recursive) is shown once and referred to elsewhere.
 */
export function ValueTree({ value }: { value: PlainValue }) {
  const layout = useMemo(() => layoutOf(value), [value]);
  return (
    <div className="font-mono text-sm leading-6" data-testid="value-tree">
      <Node value={value} place={{ parent: null, slot: 0 }} layout={layout} />
    </div>
  );
}
