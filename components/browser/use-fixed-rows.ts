"use client";

import { useEffect, useState, type RefObject } from "react";

/** Rows `from` (inclusive) to `to` (exclusive) of the list, before clamping to its length. */
interface RowWindow {
  from: number;
  to: number;
}

function windowAt(scrollTop: number, height: number, rowHeight: number, overscan: number): RowWindow {
  return {
    from: Math.max(0, Math.floor(scrollTop / rowHeight) - overscan),
    to: Math.ceil((scrollTop + height) / rowHeight) + overscan,
  };
}

/**
 * Windowing for a list whose rows all have one height: which rows to render comes from the scroll offset by
 * arithmetic, so appending a page of rows costs nothing here however long the list is (a measuring
 * virtualiser rebuilds a measurement per row on every change of length: 100 pages of 1,000 rows made five
 * million of them). The component re-renders only when the window moves, not on every scroll event.
 * `initialHeight` stands in for the viewport until the list is laid out (on the server, while hydrating).
 */
export function useFixedRows({
  count,
  rowHeight,
  overscan,
  scrollRef,
  initialHeight,
}: {
  count: number;
  rowHeight: number;
  overscan: number;
  scrollRef: RefObject<HTMLElement | null>;
  initialHeight: number;
}) {
  const [view, setView] = useState<RowWindow>(() => windowAt(0, initialHeight, rowHeight, overscan));

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const read = () => {
      const next = windowAt(element.scrollTop, element.clientHeight, rowHeight, overscan);
      setView((current) => (current.from === next.from && current.to === next.to ? current : next));
    };
    read();
    element.addEventListener("scroll", read, { passive: true });
    const resize = new ResizeObserver(read);
    resize.observe(element);
    return () => {
      element.removeEventListener("scroll", read);
      resize.disconnect();
    };
  }, [scrollRef, rowHeight, overscan]);

  const items: { index: number; start: number }[] = [];
  for (let index = view.from, end = Math.min(count, view.to); index < end; index++) items.push({ index, start: index * rowHeight });

  /** Brings row `index` into view with the least scrolling (nothing when it is already in view). */
  const scrollToIndex = (index: number) => {
    const element = scrollRef.current;
    if (!element) return;
    const top = index * rowHeight;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowHeight > element.scrollTop + element.clientHeight) element.scrollTop = top + rowHeight - element.clientHeight;
  };

  return { items, totalHeight: count * rowHeight, scrollToIndex };
}
