/** The Server tab's client for its route handlers: each call answers the parsed reply or throws `ApiError`. */
import { readReply } from "@/lib/wire/errors";
import type { DatabasesReply, KeyNodeAnswer, NodeChoice, ServerView, ServerViewReply } from "@/lib/wire/server";

export type ViewWithChoices = ServerViewReply & { nodeChoices: NodeChoice[] };

export async function fetchServerView(connectionId: string, view: ServerView, node: string | null): Promise<ViewWithChoices> {
  const search = new URLSearchParams({ view, ...(node ? { node } : {}) });
  return readReply<ViewWithChoices>(await fetch(`/api/c/${encodeURIComponent(connectionId)}/server?${search}`, { cache: "no-store" }));
}

/** Which cluster node holds a key (`key` as base64). */
export async function fetchKeyNode(connectionId: string, key: string): Promise<KeyNodeAnswer> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/server/key-node`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key }),
  });
  return readReply<KeyNodeAnswer>(response);
}

export async function fetchDatabases(connectionId: string): Promise<DatabasesReply> {
  return readReply<DatabasesReply>(await fetch(`/api/c/${encodeURIComponent(connectionId)}/databases`, { cache: "no-store" }));
}
