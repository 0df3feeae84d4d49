import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzip } from "node:zlib";
import { admit, serverTiming, type RequestHead } from "../auth/guard";
import { userOfSession } from "../auth/session";
import { SESSION_COOKIE } from "../auth/session-cookie";
import { SECURITY_HEADERS } from "../security-headers";
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
    const admission = await admit(route.permission, head, () => userOfSession(sessionToken(request.headers.cookie)));
    if (admission.refused) {
      reply = errorReply(admission.refused.code, admission.refused.message);
    } else {
      const input: RouteInput = {
        params,
        searchParams: () => {
          const url = request.url ?? "";
          const query = url.indexOf("?");
          return new URLSearchParams(query === -1 ? "" : url.slice(query + 1));
        },
        readBody: async (format) => {
          if (format !== "json") return null;
          try {
            return JSON.parse(raw.toString("utf8")) as unknown;
          } catch {
            return null;
          }
        },
        get signal() {
          return signal();
        },
      };
      reply = await route.run(admission.signedIn, input);
    }
  } catch (error) {
    reply = failureReply(error);
  }
  if (response.destroyed) return;
  write(request, response, reply, started);
}

/**
 * The lane's request listener for the given routes: answers a matching request and returns true, or returns
 * false and leaves the request untouched for Next.js.
 */
export function directLane(entries: LaneEntry[]): (request: IncomingMessage, response: ServerResponse) => boolean {
  const routes = entries.map(compile);
  return (request, response) => {
    const url = request.url ?? "";
    if (!url.startsWith("/api/")) return false;
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    for (const candidate of routes) {
      if (candidate.method !== request.method) continue;
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      // JSON bodies only, of a declared length; a chunked upload or a form goes to Next.js.
      const length = Number(request.headers["content-length"] ?? 0);
      if (request.headers["transfer-encoding"] || !Number.isSafeInteger(length) || length < 0 || length > DIRECT_BODY_LIMIT) return false;
      if (length > 0 && !/^application\/json\b/i.test(request.headers["content-type"] ?? "")) return false;
      const params: Record<string, string> = {};
      try {
        candidate.names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1]!)));
      } catch {
        return false; // a malformed escape: Next.js answers it as it answers any other
      }
      void serve(candidate.route, params, length, request, response);
      return true;
    }
    return false;
  };
}
