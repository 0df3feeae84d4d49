/**
 * The browser's one module for the key browser's route handlers: each call answers the parsed reply or
 * throws `ApiError` with the stable code (see `lib/wire/errors.ts`).
 */
import type { JobList, JobView } from "@/lib/wire/jobs";
import type { KeyPage } from "@/lib/wire/key-page";
import { bytesToBase64, keyFromParam } from "@/lib/wire/keys";
import type { WireRead, WireReply } from "@/lib/wire/value";
import { readReply } from "@/lib/wire/errors";
import type { TreeChildren, TreeState } from "@/lib/wire/tree";
import { laneFetch } from "./lane-socket";

export { ApiError } from "@/lib/wire/errors";

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
  const page = await readReply<KeyPage>(response);
  return { ...page, receivedAt: Date.now() };
}

export interface PageRequest {
  offset?: number;
  limit?: number;
  cursor?: string;
}

/** One page of one key's value (`keyParam` as in the URL); the key travels in the body. */
export async function fetchValuePage(connectionId: string, keyParam: string, page: PageRequest = {}): Promise<WireRead> {
  // Over the lane's WebSocket when the tab has one open (see ./lane-socket.ts), over HTTP otherwise.
  const response = await laneFetch(`/api/c/${encodeURIComponent(connectionId)}/key`, {
    method: "POST",
    body: JSON.stringify({ key: bytesToBase64(keyFromParam(keyParam)), ...page }),
  });
  const reply = await readReply<WireReply & { ok: true }>(response);
  return reply.read;
}

const treeUrl = (connectionId: string) => `/api/c/${encodeURIComponent(connectionId)}/keys/tree`;

/**
 * The shared namespace index (started by the first call); with `since`, only the first-level nodes that
 * changed; with `waitMs`, the server answers when a running scan ends or after that long.
 */
export async function fetchTreeState(connectionId: string, since?: { generation: number; version: number }, waitMs = 0): Promise<TreeState> {
  const query = since ? `?generation=${since.generation}&version=${since.version}${waitMs > 0 ? `&wait=${waitMs}` : ""}` : "";
  return readReply<TreeState>(await fetch(`${treeUrl(connectionId)}${query}`, { cache: "no-store" }));
}

export async function fetchTreeChildren(
  connectionId: string,
  query: { prefix: string; offset: number; limit: number; filter: string },
  signal?: AbortSignal,
): Promise<TreeChildren> {
  const search = new URLSearchParams({ prefix: query.prefix, offset: String(query.offset), limit: String(query.limit), filter: query.filter });
  return readReply<TreeChildren>(await fetch(`${treeUrl(connectionId)}/children?${search}`, { cache: "no-store", signal }));
}

/** Fills in a level the index capped, by a scan of only the keys under `prefix` (base64url). */
export async function fillTreeLevel(connectionId: string, prefix: string): Promise<void> {
  await readReply<{ started: boolean }>(
    await fetch(`${treeUrl(connectionId)}/children`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prefix }) }),
  );
}

export async function rescanTree(connectionId: string): Promise<TreeState> {
  return readReply<TreeState>(await fetch(treeUrl(connectionId), { method: "POST" }));
}

export async function cancelTreeScan(connectionId: string): Promise<void> {
  await readReply<{ cancelled: boolean }>(await fetch(treeUrl(connectionId), { method: "DELETE" }));
}

export async function fetchJob<R>(connectionId: string, jobId: string): Promise<JobView<R>> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/jobs/${encodeURIComponent(jobId)}`, { cache: "no-store" });
  return readReply<JobView<R>>(response);
}

/** The connection's running and recently finished jobs, everyone's, as the Jobs tab lists them. */
export async function fetchJobList(connectionId: string): Promise<JobList> {
  return readReply<JobList>(await fetch(`/api/c/${encodeURIComponent(connectionId)}/jobs`, { cache: "no-store" }));
}

interface TopKeysQuery {
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
  return (await readReply<{ jobId: string }>(response)).jobId;
}
