"use client";

import { useMemo, useState } from "react";
import { keyFromParam } from "@/lib/wire/keys";
import type { KeyFilter } from "./key-filter";
import { rowArray, type RowList } from "./key-rows";

/**
 * The key list's multi-selection: keys by their URL parameter, the anchor a Shift-click extends from, and,
 * after "Select all matching", the filter the selection stands for (sent with a bulk delete for the audit),
 * until a Shift-click range, a single toggle, the header checkbox or Clear makes it some other set of keys.
 */
export function useKeySelection(rows: RowList) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [matchingPattern, setMatchingPattern] = useState<string | undefined>(undefined);

  const toggle = (param: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(param)) next.delete(param);
      else next.add(param);
      setMatchingPattern(undefined);
      return next;
    });
  /** Shift-click: the rows from the anchor to `index` become the selection; false when there is no anchor. */
  const selectRangeTo = (index: number): boolean => {
    if (anchor === null) return false;
    const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
    setSelected(new Set(rowArray(rows, from, to + 1).map((r) => r.param)));
    setMatchingPattern(undefined);
    return true;
  };
  const add = (param: string) => setSelected((current) => new Set(current).add(param));
  /** Everything a filter matched (up to the caller's cap), remembered as that filter. */
  const selectMatching = (params: Set<string>, pattern: string) => {
    setSelected(params);
    setMatchingPattern(pattern);
  };
  const clear = () => {
    setSelected(new Set());
    setMatchingPattern(undefined);
  };
  const allSelected = useMemo(() => rows.length > 0 && selected.size >= rows.length && rowArray(rows).every((row) => selected.has(row.param)), [rows, selected]);
  /** The header checkbox: every loaded row, or none when they all are. */
  const toggleAll = () => {
    setSelected(allSelected ? new Set() : new Set(rowArray(rows).map((r) => r.param)));
    setMatchingPattern(undefined);
  };

  return { selected, matchingPattern, allSelected, setAnchor, toggle, selectRangeTo, add, selectMatching, clear, toggleAll };
}

/** The filter a "Select all matching" stands for, as the audit log names it. */
export function describeFilter(filter: KeyFilter): string {
  const parts: string[] = [];
  if (filter.ns) parts.push(`namespace ${new TextDecoder().decode(keyFromParam(filter.ns))}`);
  if (filter.q) parts.push(filter.exact ? `key ${filter.q}` : `pattern ${filter.q}`);
  if (filter.type) parts.push(`type ${filter.type}`);
  return parts.join(", ") || "*";
}
