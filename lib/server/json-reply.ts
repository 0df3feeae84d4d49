import { httpStatusOf, type ErrorCode, type WireFailure } from "../wire/errors";

/**
 * A route's JSON answer before a server writes it: the Next.js handlers turn it into a Response, the direct
 * lane (./direct-lane.ts) writes it to Node's response. Both send the same body and headers.
 */
export interface JsonReply {
  status: number;
  value: unknown;
}

/** `{ ok: false, code, message }` with the status from the one code → status table. */
export function errorReply(code: ErrorCode, message: string): JsonReply {
  return { status: httpStatusOf(code), value: { ok: false, code, message } satisfies WireFailure };
}

/**
 * Below this size a JSON answer is sent as it is: gzipping it costs more server time than it saves on the wire
 * (a zlib stream per response; measured ≈ 0.5 ms of CPU per key open), and opening a key or polling a job is
 * most of what the app's requests are. `no-transform` is how Next.js's compression is told to leave it alone.
 */
export const COMPRESS_FROM_BYTES = 16 * 1024;

/** The body and content headers of a JSON reply; small ones are marked so that nothing compresses them. */
export function jsonBody(reply: JsonReply): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(reply.value);
  const small = body.length < COMPRESS_FROM_BYTES; // UTF-16 units: close enough to bytes for a threshold
  return { body, headers: { "content-type": "application/json", "cache-control": small ? "no-store, no-transform" : "no-store" } };
}

export function toResponse(reply: JsonReply): Response {
  const { body, headers } = jsonBody(reply);
  return new Response(body, { status: reply.status, headers });
}
