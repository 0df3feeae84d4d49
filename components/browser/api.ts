import type { JobView } from "@/lib/browser/jobs";
import type { KeyPage, KeyPageError } from "@/lib/browser/key-row";

/** An error the route handlers answered with; `code` is the stable driver or app error code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => null)) as (T & Partial<KeyPageError>) | null;
  if (!response.ok || !body) {
    throw new ApiError(body?.code ?? `HTTP_${response.status}`, body?.message ?? `The server answered ${response.status}.`);
  }
  return body;
}

export interface KeyPageQuery {
  cursor?: string;
  match?: string;
  prefix?: string;
  exact?: string;
  type?: string;
  limit?: number;
}

export async function fetchKeyPage(connectionId: string, query: KeyPageQuery, signal?: AbortSignal): Promise<KeyPage & { receivedAt: number }> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/keys`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(query),
    signal,
  });
  const page = await json<KeyPage>(response);
  return { ...page, receivedAt: Date.now() };
}

export async function startTreeScan(connectionId: string): Promise<string> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/keys/tree`, { method: "POST" });
  return (await json<{ jobId: string }>(response)).jobId;
}

export async function fetchJob<R>(connectionId: string, jobId: string): Promise<JobView<R>> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/jobs/${encodeURIComponent(jobId)}`, { cache: "no-store" });
  return json<JobView<R>>(response);
}

export interface TopKeysQuery {
  by: "size" | "ttl";
  desc: boolean;
  match?: string;
  prefix?: string;
  type?: string;
}

/** Starts a whole-namespace sort by size or TTL; its progress and rows come from the job. */
export async function startTopKeys(connectionId: string, query: TopKeysQuery): Promise<string> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/keys/top`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(query),
  });
  return (await json<{ jobId: string }>(response)).jobId;
}
