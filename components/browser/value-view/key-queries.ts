import { useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import type { KeyPage } from "@/lib/wire/key-page";
import { useCallback } from "react";
import { ApiError } from "@/lib/wire/errors";
import { fetchValuePage, type PageRequest } from "../api";
import { queryKeys } from "@/lib/query-keys";

/** `refreshMs`: read the value again this often while it is on screen (the pane's opt-in auto-refresh). */
export function useKeyPage(connectionId: string, keyParam: string, page: PageRequest, refreshMs: number | false = false) {
  return useQuery({
    queryKey: queryKeys.keyValuePage(connectionId, keyParam, { ...page }),
    queryFn: () => fetchValuePage(connectionId, keyParam, page),
    refetchInterval: refreshMs,
    retry: (count, error) => !(error instanceof ApiError && error.code === "NOT_FOUND") && count < 1,
  });
}

/** After a change to the key: its pages and the key list (which shows TTL and size) are stale. */
export function useInvalidateKey(connectionId: string, keyParam: string) {
  const client = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.keyDetail(connectionId, keyParam) }),
        client.invalidateQueries({ queryKey: queryKeys.keysOf(connectionId) }),
      ]),
    [client, connectionId, keyParam],
  );
}

/**
 * Keys that were just deleted (or expired on request) leave the screen at once: their pane's data is
 * dropped and their rows are taken out of every loaded list page, without waiting for the refetch that
 * then confirms it.
 */
export function useForgetKeys(connectionId: string) {
  const client = useQueryClient();
  return useCallback(
    (params: string[]) => {
      const gone = new Set(params);
      for (const param of params) client.removeQueries({ queryKey: queryKeys.keyDetail(connectionId, param) });
      client.setQueriesData<unknown>({ queryKey: queryKeys.keysOf(connectionId) }, (data: unknown) => {
        const pages = data as InfiniteData<KeyPage> | undefined;
        if (!pages || !Array.isArray(pages.pages)) return data;
        return { ...pages, pages: pages.pages.map((page) => ({ ...page, rows: page.rows.filter((row) => !gone.has(row.param)) })) };
      });
      void client.invalidateQueries({ queryKey: queryKeys.keysOf(connectionId) });
    },
    [client, connectionId],
  );
}
