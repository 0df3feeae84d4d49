import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect, unauthorized } from "next/navigation";
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, DatabaseUnavailableError, isDatabaseUnavailable } from "../db-errors";
import { loginPathFor } from "./next-path";
import { requestTargetOf } from "./request-origin";
import { can, roleFor, type Permission } from "./permissions";
import { currentUser, type SignedIn } from "./session";
import { errorReply, toResponse } from "../server/json-reply";
import type { ErrorCode } from "../wire/errors";

/** The session lookup, with the database's own failures turned into DatabaseUnavailableError. */
async function lookUpUser(): Promise<SignedIn | null> {
  try {
    return await currentUser();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError({ cause: error });
    throw error;
  }
}

/**
 * For pages and layouts: sends anonymous visitors to sign in (and back to this page afterwards), answers
 * 403 when the role does not grant the permission.
 */
export async function requirePageUser(needed?: Permission): Promise<SignedIn> {
  const signedIn = await lookUpUser();
  if (!signedIn) redirect(loginPathFor(requestTargetOf(await headers())));
  if (needed && !can(signedIn.user, needed)) forbidden();
  return signedIn;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What the admission checks read of a request: a web `Request` is one; the direct lane adapts Node's. */
export interface RequestHead {
  method: string;
  headers: { get(name: string): string | null };
}

/**
 * The same-origin rule Next.js applies to server actions, for route handlers that change state: a browser
 * marks every cross-site request (Sec-Fetch-Site, Origin), so a page elsewhere cannot make a signed-in
 * person's browser start work here. Requests without either header do not come from a browser page.
 */
export function crossOriginRequest(request: RequestHead): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

type Admission = { signedIn: SignedIn; refused?: undefined } | { refused: { code: ErrorCode; message: string } };

/**
 * The checks before a route handler runs, in order: 403 for a state-changing request from another origin,
 * 503 when the database cannot say who is signed in, 401 without a session, 403 when the role does not grant
 * the permission. `lookUp` finds the session (from Next.js's cookies, or from the Cookie header).
 */
export async function admit(needed: Permission, request: RequestHead | null, lookUp: () => Promise<SignedIn | null>): Promise<Admission> {
  if (request && crossOriginRequest(request)) return { refused: { code: "CROSS_ORIGIN", message: "Requests from other sites are refused." } };
  let signedIn: SignedIn | null;
  try {
    signedIn = await lookUp();
  } catch (error) {
    if (isDatabaseUnavailable(error)) return { refused: { code: DATABASE_UNAVAILABLE, message: DATABASE_UNAVAILABLE_MESSAGE } };
    throw error;
  }
  if (!signedIn) return { refused: { code: "UNAUTHENTICATED", message: "Sign in first." } };
  if (!can(signedIn.user, needed)) return { refused: { code: "FORBIDDEN", message: `This needs the ${roleFor(needed)} role.` } };
  return { signedIn };
}

/** The server's own share of a request, as a Server-Timing entry for the browser's network panel and the bench. */
export function serverTiming(started: number, lane?: string): string {
  return `app;dur=${(performance.now() - started).toFixed(2)}${lane ? `, lane;desc=${lane}` : ""}`;
}

/**
 * For route handlers: the admission checks above, before the handler runs; the refusal as
 * `{ ok: false, code, message }` with its status from the one code → status table.
 */
export function withUser<Args extends unknown[]>(
  needed: Permission,
  handler: (signedIn: SignedIn, ...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    const started = performance.now();
    const admission = await admit(needed, args[0] instanceof Request ? args[0] : null, currentUser);
    if (admission.refused) {
      return toResponse(errorReply(admission.refused.code, admission.refused.message));
    }
    const response = await handler(admission.signedIn, ...args);
    // Streamed bodies are timed to their first byte.
    if (!response.headers.has("server-timing")) {
      try {
        response.headers.set("server-timing", serverTiming(started));
      } catch {
        // A response with immutable headers (e.g. a fetched one passed through) keeps its own.
      }
    }
    return response;
  };
}

/** For server actions: a real 401 for anonymous calls (see the action wrapper). */
export async function requireActionUser(): Promise<SignedIn> {
  const signedIn = await lookUpUser();
  if (!signedIn) unauthorized();
  return signedIn;
}
