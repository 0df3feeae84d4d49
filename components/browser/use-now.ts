"use client";

import { useSyncExternalStore } from "react";

/**
 * One clock for every TTL countdown on the page: a single interval drives all rows, instead of one timer per
 * row (hundreds while scrolling).
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The server renders with its own clock; the module's `now` there is from when it was loaded. */
const serverNow = () => (typeof window === "undefined" ? Date.now() : now);

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now, serverNow);
}
