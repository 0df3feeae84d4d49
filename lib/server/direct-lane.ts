import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzip } from "node:zlib";
import { admit, crossOriginRequest, serverTiming, type RequestHead } from "../auth/guard";
import { sessionIdOf, userOfSession, userOfSessionId, type SignedIn } from "../auth/session";
import { SESSION_COOKIE } from "../auth/session-cookie";
import { SECURITY_HEADERS } from "../security-headers";
import { httpStatusOf, type ErrorCode } from "../wire/errors";
import { LANE_IN_FLIGHT_LIMIT, LANE_SOCKET_PATH, laneAnswerText, parseLaneMessage } from "../wire/lane";
import { COMPRESS_FROM_BYTES, errorReply, jsonBody, type JsonReply } from "./json-reply";
import { failureReply, type DirectRoute, type RouteInput } from "./route";

/**
 * The direct lane: the few requests a person makes many times a minute (opening a key, a page of the key
 * list, the namespace tree's poll) answered by the HTTP server before Next.js's request handling, which costs
 * about 2 ms of CPU per request on a small machine (routing, a web Request and Response per request, an
 * AbortSignal, async-context bookkeeping) against well under 1 ms for the work itself. Each lane route is a
 * `defineDirectRoute`: the same admission (origin, session, role), validation, connection checks and error
 * replies as its Next.js handler, which stays the route's only definition and answers whatever the lane does
 * not take. The lane takes a request only when the method and the path match exactly and the body's length
 * is declared and small; everything else (HEAD, a trailing slash, a chunked or large body) goes to Next.js.
 *
 * The same routes also answer over the lane's WebSocket (`openSocket`; framing in lib/wire/lane.ts), which
 * the key pane keeps open for its reads: no HTTP request to parse and no response head per read. The socket
 * itself (the `ws` server, frame limits, idle timeout) is scripts/serve.mjs's; this module decides whether an
 * upgrade is admitted and answers each message.
 */

interface LaneEntry {
  method: "GET" | "POST";
  /** The route's URL as its folder says it, e.g. `/api/c/[id]/key`. */
  path: string;
  route: DirectRoute;
}

/** A larger body (or one of unknown length) goes to Next.js, which has no such limit for route handlers. */
const DIRECT_BODY_LIMIT = 1024 * 1024;

interface Compiled {
  method: string;
  pattern: RegExp;
  names: string[];
  route: DirectRoute;
}

function compile(entry: LaneEntry): Compiled {
  const names: string[] = [];
  const source = entry.path
    .split("/")
    .map((segment) => {
      const dynamic = /^\[(\w+)\]$/.exec(segment);
      if (!dynamic) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(dynamic[1]!);
      return "([^/]+)";
    })
    .join("/");
  return { method: entry.method, pattern: new RegExp(`^${source}$`), names, route: entry.route };
}

function headerOf(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
}

/** The session token from the Cookie header (the first `cb_session`, as Next.js's cookie reader takes). */
function sessionToken(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const at = part.indexOf("=");
    if (at !== -1 && part.slice(0, at).trim() === SESSION_COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

function readBody(request: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > length) return reject(new Error("The body is longer than its Content-Length."));
      chunks.push(chunk);
    });
    request.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.once("error", reject);
    request.once("close", () => {
      if (!request.complete) reject(new Error("The client went away before sending the whole body."));
    });
  });
}

function write(request: IncomingMessage, response: ServerResponse, reply: JsonReply, started: number): void {
  const { body: text, headers } = jsonBody(reply);
  const body = Buffer.from(text, "utf8");
  const head: Record<string, string> = { ...SECURITY_HEADERS, ...headers, "server-timing": serverTiming(started, "direct") };
  // With its length declared the answer goes out as it is: no chunked framing for the client to undo.
  const send = (bytes: Buffer, extra?: Record<string, string>) =>
    response.writeHead(reply.status, { ...head, ...extra, "content-length": String(bytes.length) }).end(bytes);
  if (body.length >= COMPRESS_FROM_BYTES && /\bgzip\b/.test(headerOf(request, "accept-encoding") ?? "")) {
    gzip(body, (error, zipped) => (error ? send(body) : send(zipped, { "content-encoding": "gzip", vary: "Accept-Encoding" })));
    return;
  }
  send(body);
}

/** Runs a lane route after its admission checks; never throws (a failure is its error reply). */
async function answer(
  route: DirectRoute,
  params: Record<string, string>,
  head: RequestHead,
  /** The request's session, looked up (admission does it only for routes that need a user). */
  signedIn: () => Promise<SignedIn | null>,
  query: string,
  body: () => unknown,
  signal: () => AbortSignal,
): Promise<JsonReply> {
  try {
    const admission = await admit(route.permission, head, signedIn);
    if (admission.refused) return errorReply(admission.refused.code, admission.refused.message);
    const input: RouteInput = {
      params,
      searchParams: () => new URLSearchParams(query),
      readBody: async (format) => (format === "json" ? body() : null),
      get signal() {
        return signal();
      },
    };
    return await route.run(admission.signedIn, input);
  } catch (error) {
    return failureReply(error);
  }
}

function queryOf(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? "" : url.slice(at + 1);
}

async function serve(route: DirectRoute, params: Record<string, string>, length: number, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  // Made when a handler first asks for it (a key list page does, opening a key does not).
  let abort: AbortController | undefined;
  const signal = () => {
    if (!abort) {
      const controller = (abort = new AbortController());
      if (response.destroyed) controller.abort();
      else response.once("close", () => response.writableFinished || controller.abort());
    }
    return abort.signal;
  };
  let reply: JsonReply;
  try {
    const head: RequestHead = { method: request.method ?? "GET", headers: { get: (name) => headerOf(request, name) } };
    // The body (of declared length, at most DIRECT_BODY_LIMIT) is read whatever the answer, so that the
    // connection can carry the client's next request.
    const raw = length > 0 ? await readBody(request, length) : Buffer.alloc(0);
    const body = () => {
      try {
        return JSON.parse(raw.toString("utf8")) as unknown;
      } catch {
        return null;
      }
    };
    const token = sessionToken(request.headers.cookie);
    reply = await answer(route, params, head, () => userOfSession(token), queryOf(request.url ?? ""), body, signal);
  } catch (error) {
    reply = failureReply(error);
  }
  if (response.destroyed) return;
  write(request, response, reply, started);
}

/** The route a method and path (without its query) name, with its decoded parameters; null for none. */
function matchRoute(routes: Compiled[], method: string, path: string): { route: DirectRoute; params: Record<string, string> } | null {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    try {
      candidate.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
    } catch {
      return null; // a malformed escape
    }
    return { route: candidate.route, params };
  }
  return null;
}

/** One open WebSocket of the lane (see lib/wire/lane.ts): what the server calls as messages come and when it closes. */
interface LaneSocket {
  /** Answers one message through `send`, once, whatever happens (unless the socket has closed by then). */
  receive(text: string, send: (text: string) => void): void;
  /** The socket closed: every request still under way is aborted. */
  close(): void;
}

type SocketOpening = { refused: { status: number; message: string } } | { socket: LaneSocket };

function socketRefusal(code: ErrorCode, message: string): SocketOpening {
  return { refused: { status: httpStatusOf(code), message } };
}

/**
 * Whether an upgrade request may open the lane's WebSocket: its path, the same-origin rule (a browser always
 * sends Origin on a WebSocket handshake, and cookies go with it, so without this any site could read keys
 * through a signed-in person's browser) and a session. Every message is then admitted again as the HTTP
 * lane admits a request: a session that ends, or a role that changes, is refused from the next message on.
 */
async function openSocket(routes: Compiled[], request: IncomingMessage): Promise<SocketOpening> {
  const url = request.url ?? "";
  const at = url.indexOf("?");
  if ((at === -1 ? url : url.slice(0, at)) !== LANE_SOCKET_PATH) return socketRefusal("NOT_FOUND", "Nothing answers WebSockets here.");
  const headers = { get: (name: string) => headerOf(request, name) };
  if (crossOriginRequest({ method: "POST", headers })) return socketRefusal("CROSS_ORIGIN", "Requests from other sites are refused.");
  const token = sessionToken(request.headers.cookie);
  // The token's hash names the session in the database: computed once for the socket, looked up per message.
  const sessionId = token ? sessionIdOf(token) : null;
  const session = () => (sessionId === null ? Promise.resolve(null) : userOfSessionId(sessionId));
  let signedIn: SignedIn | null;
  try {
    signedIn = await session();
  } catch (error) {
    const reply = failureReply(error);
    return { refused: { status: reply.status, message: "Cacheboard could not check the session." } };
  }
  if (!signedIn) return socketRefusal("UNAUTHENTICATED", "Sign in first.");
  const underWay = new Map<number, AbortController | null>();
  let closed = false;
  const refuse = (id: number | null, code: ErrorCode, message: string, send: (text: string) => void) =>
    send(laneAnswerText({ id, status: httpStatusOf(code) }, JSON.stringify({ ok: false, code, message })));
  return {
    socket: {
      receive(text, send) {
        const started = performance.now();
        const parsed = parseLaneMessage(text);
        if ("cancel" in parsed) {
          const controller = underWay.get(parsed.cancel);
          if (controller) controller.abort();
          else if (controller === null) underWay.set(parsed.cancel, abortedController());
          return;
        }
        if ("invalid" in parsed) return refuse(parsed.id, "INVALID_ARGUMENT", parsed.invalid, send);
        const { id, method, path: target, body } = parsed.request;
        if (underWay.has(id)) return refuse(id, "INVALID_ARGUMENT", `Request ${id} is already under way on this socket.`, send);
        if (underWay.size >= LANE_IN_FLIGHT_LIMIT) {
          return refuse(id, "RATE_LIMITED", `At most ${LANE_IN_FLIGHT_LIMIT} requests may be under way on one socket.`, send);
        }
        const query = target.indexOf("?");
        const found = matchRoute(routes, method, query === -1 ? target : target.slice(0, query));
        if (!found) return refuse(id, "NOT_FOUND", `${method} ${target.slice(0, 200)} is not answered over the socket.`, send);
        underWay.set(id, null);
        const signal = () => {
          let controller = underWay.get(id);
          if (!controller) underWay.set(id, (controller = closed ? abortedController() : new AbortController()));
          return controller.signal;
        };
        const head: RequestHead = { method, headers };
        void answer(found.route, found.params, head, session, query === -1 ? "" : target.slice(query + 1), () => body ?? null, signal).then((reply) => {
          underWay.delete(id);
          if (closed) return;
          send(laneAnswerText({ id, status: reply.status, timing: serverTiming(started) }, jsonBody(reply).body));
        });
      },
      close() {
        closed = true;
        for (const controller of underWay.values()) controller?.abort();
      },
    },
  };
}

function abortedController(): AbortController {
  const controller = new AbortController();
  controller.abort();
  return controller;
}

/** The lane for the given routes: its HTTP request listener and its WebSocket's admission. */
interface DirectLane {
  /** Answers a matching request and returns true, or returns false and leaves the request untouched for Next.js. */
  request(request: IncomingMessage, response: ServerResponse): boolean;
  /** For an upgrade request: a lane socket, or the HTTP status and words to refuse the upgrade with. */
  openSocket(request: IncomingMessage): Promise<SocketOpening>;
}

export function directLane(entries: LaneEntry[]): DirectLane {
  const routes = entries.map(compile);
  return {
    request(request, response) {
      const url = request.url ?? "";
      if (!url.startsWith("/api/")) return false;
      const query = url.indexOf("?");
      const found = matchRoute(routes, request.method ?? "", query === -1 ? url : url.slice(0, query));
      if (!found) return false; // no lane route, or a malformed escape: Next.js answers it as it answers any other
      // JSON bodies only, of a declared length; a chunked upload or a form goes to Next.js.
      const length = Number(request.headers["content-length"] ?? 0);
      if (request.headers["transfer-encoding"] || !Number.isSafeInteger(length) || length < 0 || length > DIRECT_BODY_LIMIT) return false;
      if (length > 0 && !/^application\/json\b/i.test(request.headers["content-type"] ?? "")) return false;
      void serve(found.route, found.params, length, request, response);
      return true;
    },
    openSocket: (request) => openSocket(routes, request),
  };
}
