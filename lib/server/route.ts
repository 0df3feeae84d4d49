import "server-only";
import { NextRequest } from "next/server";
import type { z } from "zod";
import { withUser } from "../auth/guard";
import { can, type Permission } from "../auth/permissions";
import type { SignedIn } from "../auth/session";
import { loadConnection, type LoadedConnection } from "../connections/load";
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db-errors";
import { isDriverError } from "../drivers/errors";
import { errorReply, toResponse, type JsonReply } from "./json-reply";
import { Refusal } from "./refusal";

/**
 * The read path's counterpart of `defineAction`: every route handler is one `defineRoute`. It checks the
 * origin, the session and the permission (`withUser`), loads the connection named by the `id` path segment
 * (refusing a cache-changing permission on a read-only connection, as `defineAction` does), validates the
 * query and the body with zod, and turns every refusal or failure into
 * `{ ok: false, code, message }` with the status from the one code → status table in `lib/wire/errors.ts`.
 * `defineDirectRoute` is the same for the few routes the direct lane (./direct-lane.ts) may answer before
 * Next.js: one definition, two servers, the same checks and answers.
 */

function issuesText(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

type Params = Record<string, string>;

interface RouteContext<Q, B, C> {
  signedIn: SignedIn;
  params: Params;
  /** The validated query string (when the route declares `query`). */
  query: Q;
  /** The validated body (when the route declares `body`). */
  body: B;
  /** The connection of the `id` segment (when the route declares `connection`). */
  connection: C;
  /** Aborted when the client goes away before the answer is sent. */
  signal: AbortSignal;
}

type ConnectionNeed = "load" | "listable";

interface RouteShape<QS extends z.ZodType | undefined, BS extends z.ZodType | undefined, Conn extends ConnectionNeed | undefined> {
  /** What the caller must be allowed (mapped onto roles in `lib/auth/permissions.ts`). */
  permission: Permission;
  /**
   * `"load"`: the `id` segment names a connection (404 when it does not exist; 403 READ_ONLY when the
   * permission changes the cache and the connection is read-only). `"listable"`: also 400 UNSUPPORTED when
   * its backend cannot list keys.
   */
  connection?: Conn;
  /** Schema for the query string, read as an object of strings (repeated parameters: the first; empty ones left out). */
  query?: QS;
  /** Schema for the body: JSON, or a form's fields as an object of strings with `bodyFormat: "form"`. */
  body?: BS;
  bodyFormat?: "json" | "form";
  /** Says which part of the request was invalid, for the 400 message. */
  invalid?: string;
}

type ContextOf<QS, BS, Conn> = RouteContext<
  QS extends z.ZodType ? z.output<QS> : undefined,
  BS extends z.ZodType ? z.output<BS> : undefined,
  Conn extends ConnectionNeed ? LoadedConnection : undefined
>;

interface RouteOptions<QS extends z.ZodType | undefined, BS extends z.ZodType | undefined, Conn extends ConnectionNeed | undefined>
  extends RouteShape<QS, BS, Conn> {
  /**
   * Returns a Response (streams, downloads) or a JSON value, sent with `cache-control: no-store`. Throws
   * `Refusal` or a driver error to refuse.
   */
  handler: (ctx: ContextOf<QS, BS, Conn> & { request: NextRequest }) => Promise<Response | object>;
}

interface DirectRouteOptions<QS extends z.ZodType | undefined, BS extends z.ZodType | undefined, Conn extends ConnectionNeed | undefined>
  extends RouteShape<QS, BS, Conn> {
  /** Returns a JSON value; no Response and no Next.js request, so the direct lane can answer it too. */
  handler: (ctx: ContextOf<QS, BS, Conn>) => Promise<object>;
}

/** What a route reads of its request, whichever server received it. */
export interface RouteInput {
  params: Params;
  searchParams(): URLSearchParams;
  /** The parsed body, or null when it is not valid JSON (or not a form). */
  readBody(format: "json" | "form"): Promise<unknown>;
  signal: AbortSignal;
}

function jsonReply(value: unknown, status = 200): JsonReply {
  return { status, value };
}

/** A thrown driver error or refusal becomes its own code; anything else is logged and answered as INTERNAL. */
export function failureReply(error: unknown): JsonReply {
  if (isDriverError(error) || error instanceof Refusal) return errorReply(error.code, error.message);
  if (isDatabaseUnavailable(error)) return errorReply(DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE);
  console.error(error);
  return errorReply("INTERNAL", "Unexpected server error; the server log has the details.");
}

/**
 * The route's own steps once the caller is admitted: the query and the body validated, the connection of the
 * `id` segment loaded, the handler run; every refusal or failure becomes a JSON reply.
 */
async function runRoute<QS extends z.ZodType | undefined, BS extends z.ZodType | undefined, Conn extends ConnectionNeed | undefined>(
  options: RouteShape<QS, BS, Conn>,
  signedIn: SignedIn,
  input: RouteInput,
  handler: (ctx: ContextOf<QS, BS, Conn>) => Promise<Response | object>,
): Promise<Response | JsonReply> {
  try {
    let query: unknown;
    if (options.query) {
      const raw: Record<string, string> = {};
      // An empty parameter (`?type=`) means "not given", as in a form's GET.
      for (const [name, value] of input.searchParams()) if (!(name in raw) && value !== "") raw[name] = value;
      const parsed = options.query.safeParse(raw);
      if (!parsed.success) return errorReply("INVALID_ARGUMENT", `${options.invalid ?? "The query is not valid"}: ${issuesText(parsed.error)}`);
      query = parsed.data;
    }
    let body: unknown;
    if (options.body) {
      const parsed = options.body.safeParse(await input.readBody(options.bodyFormat ?? "json"));
      if (!parsed.success) return errorReply("INVALID_ARGUMENT", `${options.invalid ?? "The request is not valid"}: ${issuesText(parsed.error)}`);
      body = parsed.data;
    }
    let connection: LoadedConnection | undefined;
    if (options.connection) {
      connection = (await loadConnection(input.params.id ?? "")) ?? undefined;
      if (!connection) return errorReply("NOT_FOUND", "That connection does not exist.");
      // The role was checked on admission: what `can` refuses here is a cache write on a read-only connection.
      if (!can(signedIn.user, options.permission, connection.profile)) {
        return errorReply("READ_ONLY", `The connection "${connection.profile.name}" is read-only.`);
      }
      if (options.connection === "listable" && !connection.driver().capabilities.listKeys) {
        return errorReply("UNSUPPORTED", "This connection cannot list its keys.");
      }
    }
    const context = {
      signedIn,
      params: input.params,
      query,
      body,
      connection,
      // Read only by the handlers that pass it on: the direct lane makes it on first use.
      get signal() {
        return input.signal;
      },
    };
    const result = await handler(context as ContextOf<QS, BS, Conn>);
    return result instanceof Response ? result : jsonReply(result);
  } catch (error) {
    return failureReply(error);
  }
}

async function readBody(request: NextRequest, format: "json" | "form"): Promise<unknown> {
  if (format === "form") {
    const form = await request.formData().catch(() => null);
    if (!form) return null;
    const fields: Record<string, string> = {};
    for (const [name, value] of form) if (typeof value === "string" && !(name in fields)) fields[name] = value;
    return fields;
  }
  return request.json().catch(() => null);
}

/** The Next.js route handler of a route: admission (`withUser`), then the route's own steps. */
function nextHandler<QS extends z.ZodType | undefined, BS extends z.ZodType | undefined, Conn extends ConnectionNeed | undefined>(
  options: RouteShape<QS, BS, Conn>,
  handler: (ctx: ContextOf<QS, BS, Conn> & { request: NextRequest }) => Promise<Response | object>,
) {
  return withUser(options.permission, async (signedIn, incoming: Request, context: { params: Promise<Params> }) => {
    // Next.js passes a NextRequest; tests may pass a plain Request.
    const request = incoming instanceof NextRequest ? incoming : new NextRequest(incoming);
    let params: Params;
    try {
      params = (await context?.params) ?? {};
    } catch (error) {
      return toResponse(failureReply(error));
    }
    const input: RouteInput = {
      params,
      searchParams: () => request.nextUrl.searchParams,
      readBody: (format) => readBody(request, format),
      signal: request.signal,
    };
    const reply = await runRoute(options, signedIn, input, (ctx) => handler({ ...ctx, request }));
    return reply instanceof Response ? reply : toResponse(reply);
  });
}

export function defineRoute<
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  Conn extends ConnectionNeed | undefined = undefined,
>(options: RouteOptions<QS, BS, Conn>) {
  return nextHandler(options, options.handler);
}

/** The part of a direct route the direct lane (./direct-lane.ts) runs once it has admitted the caller. */
export interface DirectRoute {
  permission: Permission;
  run(signedIn: SignedIn, input: RouteInput): Promise<JsonReply>;
}

/**
 * A route that the direct lane may answer without Next.js's request handling (see ./direct-lane.ts), for the
 * few requests a person makes many times a minute. The same checks and steps as `defineRoute`; its handler
 * gets no Next.js request and answers JSON only. The Next.js handler it returns serves it too (tests, and any
 * server started without the direct lane).
 */
export function defineDirectRoute<
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  Conn extends ConnectionNeed | undefined = undefined,
>(options: DirectRouteOptions<QS, BS, Conn>) {
  const direct: DirectRoute = {
    permission: options.permission,
    run: async (signedIn, input) => (await runRoute(options, signedIn, input, options.handler)) as JsonReply,
  };
  return Object.assign(nextHandler(options, options.handler), { direct });
}

/**
 * The one route anyone may call, signed in or not: a load balancer's health check. No session, no
 * connection, no input; what it answers must say nothing a stranger could use.
 */
export function definePublicRoute(options: { handler: () => Promise<Response> }) {
  return async (): Promise<Response> => {
    try {
      return await options.handler();
    } catch (error) {
      return toResponse(failureReply(error));
    }
  };
}
