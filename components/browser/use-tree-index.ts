"use client";

import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import type { TreeNodeView, TreeState } from "@/lib/wire/tree";
import { queryKeys } from "@/lib/query-keys";
import { fetchTreeState } from "./api";

export const POLL_SCANNING_MS = 500;
/**
 * While a scan runs, each poll waits on the server up to this long for the scan to end, and the next follows
 * the answer after the rest of the interval: the same pace, and a finished tree is shown the moment it is.
 */
const POLL_WAIT_MS = 400;
/** While idle, a cheap check for changes others made (a diff of nothing is a few hundred bytes). */
const POLL_IDLE_MS = 5000;

const biggestFirst = (a: TreeNodeView, b: TreeNodeView) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

/**
 * The shared namespace index of the connection, polled as a diff: the first answer carries the whole first
 * level, later ones only the namespaces whose counts changed since the version this page holds. `initial` is
 * what the server rendered with the page (its biggest first-level namespaces): shown at once, and read whole
 * as soon as the page runs.
 */
export function useTreeIndex(connectionId: string, delimiter: string, initial: TreeState | null = null) {
  const held = useRef<{ generation: number; version: number; scanning: boolean; roots: Map<string, TreeNodeView> } | null>(null);
  return useQuery({
    queryKey: [...queryKeys.namespaceTree(connectionId, delimiter), "state"],
    queryFn: async (): Promise<TreeState> => {
      const before = held.current;
      const state = await fetchTreeState(
        connectionId,
        before ? { generation: before.generation, version: before.version } : undefined,
        before?.scanning ? POLL_WAIT_MS : 0,
      );
      const roots = state.full || !before ? new Map<string, TreeNodeView>() : new Map(before.roots);
      for (const node of state.roots) roots.set(node.prefix, node);
      held.current = { generation: state.generation, version: state.version, scanning: state.scan !== null, roots };
      return { ...state, roots: [...roots.values()].sort(biggestFirst) };
    },
    // Stale at once: the first request after hydration asks for the whole first level (nothing is held yet).
    initialData: initial ?? undefined,
    initialDataUpdatedAt: 0,
    refetchInterval: (query) =>
      query.state.data?.scan ? POLL_SCANNING_MS - POLL_WAIT_MS : query.state.status === "pending" ? POLL_SCANNING_MS : POLL_IDLE_MS,
    retry: false,
  });
}
