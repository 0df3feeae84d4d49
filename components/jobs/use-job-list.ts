"use client";

import { useQuery } from "@tanstack/react-query";
import { fetchJobList } from "@/components/browser/api";
import { queryKeys } from "@/lib/query-keys";

/** While a job runs, the list is read this often (the rows are rewritten every half second). */
const RUNNING_POLL_MS = 2_000;

/**
 * The connection's job list. `idlePollMs`: how often to look for new jobs while none runs — false for the
 * Jobs tab itself (it stops, and reads again on focus or Refresh), a slow interval for the tab's count.
 */
export function useJobList(connectionId: string, idlePollMs: number | false) {
  return useQuery({
    queryKey: queryKeys.jobList(connectionId),
    queryFn: () => fetchJobList(connectionId),
    staleTime: 0,
    refetchOnWindowFocus: true,
    refetchInterval: (query) => ((query.state.data?.running.length ?? 0) > 0 ? RUNNING_POLL_MS : idlePollMs),
  });
}
