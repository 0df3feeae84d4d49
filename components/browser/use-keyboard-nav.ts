"use client";

import { useState } from "react";

/** What the keys do to the list; each gets the active row's index. */
interface KeyboardNavActions {
  /** ↑/↓ moved to `index` (already scrolled to); `extend` when Shift was held. */
  onMove: (index: number, extend: boolean) => void;
  /** Enter. */
  onOpen: (index: number) => void;
  /** Delete or Backspace; `index` is null when no row is active. Absent where keys cannot be deleted. */
  onDelete?: (index: number | null) => void;
  /** `e`. */
  onEdit?: (index: number) => void;
  /** Space. */
  onToggle: (index: number) => void;
}

/**
 * The list's keyboard: one active row that ↑/↓ move (scrolling it into view), Enter opens, Space selects,
 * Delete deletes, `e` edits. Keys typed into an input inside the list are left alone.
 */
export function useKeyboardNav(count: number, scrollToIndex: (index: number) => void, actions: KeyboardNavActions) {
  const [active, setActive] = useState(0);
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.target instanceof HTMLInputElement) return;
    const onRow = active < count;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = Math.max(0, Math.min(count - 1, active + (event.key === "ArrowDown" ? 1 : -1)));
      setActive(next);
      scrollToIndex(next);
      actions.onMove(next, event.shiftKey);
    } else if (event.key === "Enter" && onRow) {
      event.preventDefault();
      actions.onOpen(active);
    } else if ((event.key === "Delete" || event.key === "Backspace") && actions.onDelete) {
      event.preventDefault();
      actions.onDelete(onRow ? active : null);
    } else if (event.key === "e" && !event.ctrlKey && !event.metaKey && !event.altKey && actions.onEdit && onRow) {
      event.preventDefault();
      actions.onEdit(active);
    } else if (event.key === " " && onRow) {
      event.preventDefault();
      actions.onToggle(active);
    }
  };
  return { active, setActive, onKeyDown };
}
