import "server-only";
import { NextRequest } from "next/server";
import type { z } from "zod";
import { withUser } from "../auth/guard";
import { can, type Permission } from "../auth/permissions";
import type { SignedIn } from "../auth/session";
import { loadConnection, type LoadedConnection } from "../connections/load";
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db-errors";
import { isDriverError } from "../drivers/errors";
import { httpStatusOf, type ErrorCode, type WireFailure } from "../wire/errors";
import { Refusal } from "./refusal";

/**
 * The read path's counterpart of `defineAction`: every route handler is one `defineRoute`. It checks the
 * origin, the session and the permission (`withUser`), loads the connection named by the `id` path segment
 * (refusing a cache-changing permission on a read-only connection, as `defineAction` does), validates the
 * query and the body with zod, and turns every refusal or failure into
 * `{ ok: false, code, message }` with the status from the one code → status table in `lib/wire/errors.ts`.
 */

/**
 * Below this size a JSON answer is sent as it is: gzipping it costs more server time than it saves on the wire
 * (a zlib stream per response; measured ≈ 0.5 ms of CPU per key open), and opening a key or polling a job is
 * most of what the app's requests are. `no-transform` is how Next.js's compression is told to leave it alone.
 */
const COMPRESS_FROM_BYTES = 16 * 1024;

function jsonResponse(value: unknown, status = 200): Response {
  const body = JSON.stringify(value);
  const small = body.length < COMPRESS_FROM_BYTES; // UTF-16 units: close enough to bytes for a threshold
  return new Response(body, { status, headers: { "content-type": "application/json", "cache-control": small ? "no-store, no-transform" : "no-store" } });
}

/** `{ ok: false, code, message }` with a status that says whose fault it was. */
function errorResponse(code: ErrorCode, message: string): Response {
  return jsonResponse({ ok: false, code, message } satisfies WireFailure, httpStatusOf(code));
}

/** A thrown driver error or refusal becomes its own code; anything else is logged and answered as INTERNAL. */
function failureResponse(error: unknown): Response {
  if (isDriverError(error) || error instanceof Refusal) return errorResponse(error.code, error.message);
  if (isDatabaseUnavailable(error)) return errorResponse(DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE);
  console.error(error);
  return errorResponse("INTERNAL", "Unexpected server error; the server log has the details.");
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}

type Params = Record<string, string>;

interface RouteContext<Q, B, C> {
  signedIn: SignedIn;
  request: NextRequest;
  params: Params;
  /** The validated query string (when the route declares `query`). */
  query: Q;
  /** The validated body (when the route declares `body`). */
  body: B;
  /** The connection of the `id` segment (when the route declares `connection`). */
  connection: C;
}

interface RouteOptions<QS extends z.ZodType | undefined, BS extends z.ZodType | undefined, Conn extends ConnectionNeed | undefined> {
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
  /**
   * Returns a Response (streams, downloads) or a JSON value, sent with `cache-control: no-store`. Throws
   * `Refusal` or a driver error to refuse.
   */
  handler: (
    ctx: RouteContext<QS extends z.ZodType ? z.output<QS> : undefined, BS extends z.ZodType ? z.output<BS> : undefined, Conn extends ConnectionNeed ? LoadedConnection : undefined>,
  ) => Promise<Response | object>;
}

type ConnectionNeed = "load" | "listable";

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

export function defineRoute<
  QS extends z.ZodType | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  Conn extends ConnectionNeed | undefined = undefined,
>(options: RouteOptions<QS, BS, Conn>) {
  return withUser(options.permission, async (signedIn, incoming: Request, context: { params: Promise<Params> }) => {
    // Next.js passes a NextRequest; tests may pass a plain Request.
    const request = incoming instanceof NextRequest ? incoming : new NextRequest(incoming);
    try {
      const params = (await context?.params) ?? {};
      let query: unknown;
      if (options.query) {
        const raw: Record<string, string> = {};
        // An empty parameter (`?type=`) means "not given", as in a form's GET.
        for (const [name, value] of request.nextUrl.searchParams) if (!(name in raw) && value !== "") raw[name] = value;
        const parsed = options.query.safeParse(raw);
        if (!parsed.success) return errorResponse("INVALID_ARGUMENT", `${options.invalid ?? "The query is not valid"}: ${issuesText(parsed.error)}`);
        query = parsed.data;
      }
      let body: unknown;
      if (options.body) {
        const parsed = options.body.safeParse(await readBody(request, options.bodyFormat ?? "json"));
        if (!parsed.success) return errorResponse("INVALID_ARGUMENT", `${options.invalid ?? "The request is not valid"}: ${issuesText(parsed.error)}`);
        body = parsed.data;
      }
      let connection: LoadedConnection | undefined;
      if (options.connection) {
        connection = (await loadConnection(params.id ?? "")) ?? undefined;
        if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
        // The role was checked by withUser: what `can` refuses here is a cache write on a read-only connection.
        if (!can(signedIn.user, options.permission, connection.profile)) {
          return errorResponse("READ_ONLY", `The connection "${connection.profile.name}" is read-only.`);
        }
        if (options.connection === "listable" && !connection.driver().capabilities.listKeys) {
          return errorResponse("UNSUPPORTED", "This connection cannot list its keys.");
        }
      }
      const result = await options.handler({ signedIn, request, params, query, body, connection } as Parameters<typeof options.handler>[0]);
      return result instanceof Response ? result : jsonResponse(result);
    } catch (error) {
      return failureResponse(error);
    }
  });
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
      return failureResponse(error);
    }
  };
}
