"use client";

import { useQuery } from "@tanstack/react-query";
import type { ConnectionHealth } from "@/lib/connections/health";
import { queryKeys } from "@/lib/query-keys";
import { readReply } from "@/lib/wire/errors";

const POLL_MS = 15_000;

/** One poll for every status dot on the page: they all read this query. */
export function useConnectionHealth() {
  return useQuery({
    queryKey: queryKeys.connectionStatuses(),
    queryFn: async (): Promise<ConnectionHealth[]> => {
      const response = await fetch("/api/connections/status", { cache: "no-store" });
      return (await readReply<{ connections: ConnectionHealth[] }>(response)).connections;
    },
    refetchInterval: POLL_MS,
    staleTime: POLL_MS / 2,
  });
}
