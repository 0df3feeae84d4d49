"use client";

import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/query-keys";
import { fetchJob } from "./api";

const POLL_MS = 500;

/** Polls a background job until it ends; null id means no job yet. */
export function useJob<R>(connectionId: string, jobId: string | null) {
  return useQuery({
    queryKey: queryKeys.job(connectionId, jobId ?? ""),
    queryFn: () => fetchJob<R>(connectionId, jobId!),
    enabled: jobId !== null,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data && query.state.data.status !== "running" ? false : POLL_MS),
  });
}
