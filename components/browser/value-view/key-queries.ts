import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { WireRead, WireReply } from "@/lib/browser/value-wire";
import { bytesToBase64, keyFromParam } from "@/lib/key-text";
import { queryKeys } from "@/lib/query-keys";

/** The key route's failure, carrying its stable code so the pane can say what happened. */
export class KeyReadError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PageRequest {
  offset?: number;
  limit?: number;
  cursor?: string;
}

export async function fetchKeyPage(connectionId: string, keyParam: string, page: PageRequest = {}): Promise<WireRead> {
  const response = await fetch(`/api/c/${encodeURIComponent(connectionId)}/key`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key: bytesToBase64(keyFromParam(keyParam)), ...page }),
  });
  const reply = (await response.json().catch(() => null)) as WireReply | null;
  if (!reply) throw new KeyReadError("SERVER_ERROR", `The server answered ${response.status}.`);
  if (!reply.ok) throw new KeyReadError(reply.code, reply.message);
  return reply.read;
}

export function useKeyPage(connectionId: string, keyParam: string, page: PageRequest) {
  return useQuery({
    queryKey: queryKeys.keyValuePage(connectionId, keyParam, { ...page }),
    queryFn: () => fetchKeyPage(connectionId, keyParam, page),
    retry: (count, error) => !(error instanceof KeyReadError && error.code === "NOT_FOUND") && count < 1,
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

export function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}
