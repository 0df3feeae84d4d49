"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import type { TopKeysResult } from "@/lib/server/keys/top-keys";
import { queryKeys } from "@/lib/query-keys";
import { startTopKeys, type KeyPageQuery } from "./api";
import { rowsOfArray } from "./key-rows";
import { useJob } from "./use-job";

/**
 * A sort by size or TTL over the whole namespace: a server-side top-N job for the list's filter, started when
 * `by` is set, with its rows as the list shows them. Nothing runs while `by` is null (scan or name order).
 */
export function useTopKeys(connectionId: string, query: KeyPageQuery, by: "size" | "ttl" | null, desc: boolean) {
  const topQuery = useMemo(() => ({ match: query.match, prefix: query.prefix, type: query.type }), [query]);
  const start = useQuery({
    queryKey: [...queryKeys.keysOf(connectionId), "top", topQuery, by, desc],
    queryFn: () => startTopKeys(connectionId, { ...topQuery, by: by!, desc }),
    enabled: by !== null,
    staleTime: Infinity,
    retry: false,
  });
  const job = useJob<TopKeysResult>(connectionId, by ? (start.data ?? null) : null);
  const rows = useMemo(() => {
    const receivedAt = job.dataUpdatedAt;
    return rowsOfArray((job.data?.result?.rows ?? []).map((row) => ({ ...row, receivedAt })));
  }, [job.data?.result, job.dataUpdatedAt]);
  return { start, job, rows };
}
