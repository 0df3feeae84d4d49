"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { queryKeys } from "@/lib/query-keys";
import { parseConnectionRef } from "@/lib/wire/connection-ref";
import { fetchJob } from "./api";

const POLL_MS = 500;

/** Polls a background job until it ends; null id means no job yet. */
export function useJob<R>(connectionId: string, jobId: string | null) {
  const job = useQuery({
    queryKey: queryKeys.job(connectionId, jobId ?? ""),
    queryFn: () => fetchJob<R>(connectionId, jobId!),
    enabled: jobId !== null,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data && query.state.data.status !== "running" ? false : POLL_MS),
  });
  // The Jobs tab's list and running count (per profile, every database) learn at once of a job started or ended here.
  const queryClient = useQueryClient();
  const status = job.data?.status;
  useEffect(() => {
    if (jobId && status) void queryClient.invalidateQueries({ queryKey: queryKeys.jobList(parseConnectionRef(connectionId).id) });
  }, [queryClient, connectionId, jobId, status]);
  return job;
}
