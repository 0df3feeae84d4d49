/**
 * The direct lane's WebSocket: the key pane's reads over one connection the browser keeps open, instead of an
 * HTTP request per read. The same routes, checks and answers as the lane's HTTP requests
 * (lib/server/direct-lane.ts); what changes is the framing. Client-safe: no server imports.
 *
 * A request is one text message, a JSON object:
 *   `{"id": 7, "method": "POST", "path": "/api/c/<id>/key", "body": {...}}` (the path may carry a query;
 *   `body` is the JSON body the HTTP route takes), or `{"cancel": 7}` to abort request 7.
 * An answer is one text message: a JSON head, a newline, and the JSON body the HTTP route answers with:
 *   `{"id": 7, "status": 200, "timing": "app;dur=0.41"}\n{"ok": true, ...}`
 * Compact JSON never holds a raw newline, so the first newline ends the head.
 */

export const LANE_SOCKET_PATH = "/api/lane";

/** The largest request message the server reads; a longer one closes the socket (1009). */
export const LANE_MESSAGE_LIMIT = 1024 * 1024;

/** Requests one socket may have under way at once; past that, each is refused with RATE_LIMITED. */
export const LANE_IN_FLIGHT_LIMIT = 32;

interface LaneRequest {
  id: number;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
}

interface LaneAnswerHead {
  /** The request's id; null when the message could not be read far enough to find it. */
  id: number | null;
  status: number;
  /** The server's own time, as in the HTTP lane's Server-Timing header. */
  timing?: string;
}

/** A request message, or why it is not one (the id, when one was found, to answer the refusal to). */
export function parseLaneMessage(text: string): { request: LaneRequest } | { cancel: number } | { invalid: string; id: number | null } {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { invalid: "The message is not JSON.", id: null };
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) return { invalid: "The message is not a JSON object.", id: null };
  const fields = message as Record<string, unknown>;
  if ("cancel" in fields) {
    return isId(fields.cancel) ? { cancel: fields.cancel } : { invalid: "cancel takes a request id.", id: null };
  }
  const id = isId(fields.id) ? fields.id : null;
  if (id === null) return { invalid: "id must be a whole number from 0 to 2^53.", id: null };
  if (fields.method !== "GET" && fields.method !== "POST") return { invalid: "method must be GET or POST.", id };
  if (typeof fields.path !== "string" || !fields.path.startsWith("/api/") || fields.path.length > 8192) {
    return { invalid: "path must be an /api/ path of at most 8192 characters.", id };
  }
  return { request: { id, method: fields.method, path: fields.path, body: fields.body } };
}

function isId(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** The answer message for a head and a body that is already JSON text. */
export function laneAnswerText(head: LaneAnswerHead, bodyJson: string): string {
  return `${JSON.stringify(head)}\n${bodyJson}`;
}

/** An answer message's head and body text, or null when the message is not an answer. */
export function parseLaneAnswer(text: string): { head: LaneAnswerHead; body: string } | null {
  const end = text.indexOf("\n");
  if (end === -1) return null;
  try {
    const head = JSON.parse(text.slice(0, end)) as LaneAnswerHead;
    if (typeof head !== "object" || head === null || typeof head.status !== "number") return null;
    return { head, body: text.slice(end + 1) };
  } catch {
    return null;
  }
}
