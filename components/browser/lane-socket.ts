/**
 * The key pane's reads over the direct lane's WebSocket (framing in lib/wire/lane.ts): one connection kept
 * open per tab instead of an HTTP request per read, answered by the same route with the same checks. It is
 * an optimisation and nothing depends on it: while the socket is not open (still connecting, refused, closed
 * by a proxy, not supported), a read goes over HTTP as before, and a read the socket lost (closed under it,
 * no answer within the watchdog, a session the socket no longer carries) is sent again over HTTP. Every lane
 * route only reads, so sending one again changes nothing.
 */
import { LANE_SOCKET_PATH, parseLaneAnswer } from "@/lib/wire/lane";

/** A read without an answer this long goes over HTTP instead, and the socket is replaced. */
const WATCHDOG_MS = 30_000;
/** After a socket that never opened, HTTP only for this long. */
const RETRY_AFTER_REFUSAL_MS = 30_000;

interface Waiting {
  answer(status: number, body: string, timing: string | undefined): void;
  /** Sends the read again over HTTP. */
  resend(): void;
}

let socket: WebSocket | null = null;
let open = false;
let retryAt = 0;
let lastId = 0;
const waiting = new Map<number, Waiting>();

function drop(closing: WebSocket, retryAfter: number): void {
  if (socket !== closing) return;
  socket = null;
  open = false;
  retryAt = Date.now() + retryAfter;
  const lost = [...waiting.values()];
  waiting.clear();
  for (const entry of lost) entry.resend();
  if (closing.readyState === WebSocket.CONNECTING || closing.readyState === WebSocket.OPEN) closing.close();
}

/** Opens the socket unless one is open or opening, or a recent one was refused. */
export function connectLane(): void {
  if (socket || Date.now() < retryAt || typeof WebSocket === "undefined" || typeof location === "undefined") return;
  const url = new URL(LANE_SOCKET_PATH, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  let ws: WebSocket;
  try {
    ws = new WebSocket(url);
  } catch {
    retryAt = Date.now() + RETRY_AFTER_REFUSAL_MS;
    return;
  }
  socket = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true;
    if (socket === ws) open = true;
  };
  ws.onmessage = (event) => {
    if (typeof event.data !== "string") return;
    const parsed = parseLaneAnswer(event.data);
    const entry = parsed?.head.id == null ? undefined : waiting.get(parsed.head.id);
    if (!parsed || !entry) return;
    waiting.delete(parsed.head.id!);
    if (parsed.head.status === 401) {
      // The socket's session (its cookie when it opened) has ended; the tab may hold a newer one.
      entry.resend();
      drop(ws, 0);
      return;
    }
    entry.answer(parsed.head.status, parsed.body, parsed.head.timing);
  };
  ws.onclose = () => drop(ws, opened ? 0 : RETRY_AFTER_REFUSAL_MS);
  ws.onerror = () => drop(ws, opened ? 0 : RETRY_AFTER_REFUSAL_MS);
}

function abortError(): DOMException {
  return new DOMException("The operation was aborted.", "AbortError");
}

/**
 * A lane route's answer as a `Response` (status, JSON body, Server-Timing), over the socket when it is open and
 * over HTTP otherwise. `body` is JSON text.
 */
export function laneFetch(path: string, init: { method: "GET" | "POST"; body?: string; signal?: AbortSignal }): Promise<Response> {
  const overHttp = () =>
    fetch(path, {
      method: init.method,
      headers: init.body === undefined ? undefined : { "content-type": "application/json" },
      body: init.body,
      signal: init.signal,
      cache: "no-store",
    });
  connectLane();
  const ws = socket;
  if (!open || !ws || ws.readyState !== WebSocket.OPEN) return overHttp();
  if (init.signal?.aborted) return Promise.reject(abortError());
  const id = ++lastId;
  return new Promise<Response>((resolve, reject) => {
    const done = () => {
      clearTimeout(watchdog);
      waiting.delete(id);
      init.signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ cancel: id }));
      reject(abortError());
    };
    const watchdog = setTimeout(() => {
      const entry = waiting.get(id);
      entry?.resend();
      drop(ws, 0);
    }, WATCHDOG_MS);
    waiting.set(id, {
      answer: (status, body, timing) => {
        done();
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (timing) headers["server-timing"] = `${timing}, lane;desc=socket`;
        resolve(new Response(body, { status, headers }));
      },
      resend: () => {
        done();
        overHttp().then(resolve, reject);
      },
    });
    init.signal?.addEventListener("abort", onAbort, { once: true });
    // The body is JSON text already: it goes into the message as it is, not parsed and written again.
    ws.send(`{"id":${id},"method":"${init.method}","path":${JSON.stringify(path)}${init.body === undefined ? "" : `,"body":${init.body}`}}`);
  });
}
