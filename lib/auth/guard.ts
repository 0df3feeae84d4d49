import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect, unauthorized } from "next/navigation";
import { NextResponse } from "next/server";
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, DatabaseUnavailableError, isDatabaseUnavailable } from "../db-errors";
import { loginPathFor } from "./next-path";
import { requestTargetOf } from "./request-origin";
import { can, roleFor, type Permission } from "./permissions";
import { currentUser, type SignedIn } from "./session";
import { httpStatusOf, type ErrorCode } from "../wire/errors";

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

/** A refusal before the handler runs, with its status from the one code → status table. */
function refusal(code: ErrorCode, message: string): NextResponse {
  return NextResponse.json({ ok: false, code, message }, { status: httpStatusOf(code) });
}

/**
 * The same-origin rule Next.js applies to server actions, for route handlers that change state: a browser
 * marks every cross-site request (Sec-Fetch-Site, Origin), so a page elsewhere cannot make a signed-in
 * person's browser start work here. Requests without either header do not come from a browser page.
 */
export function crossOriginRequest(request: Request): boolean {
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

/**
 * For route handlers: 403 for a state-changing request from another origin, 401 without a session, 403
 * when the role does not grant the permission, before the handler runs.
 */
export function withUser<Args extends unknown[]>(
  needed: Permission,
  handler: (signedIn: SignedIn, ...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    const started = performance.now();
    if (args[0] instanceof Request && crossOriginRequest(args[0])) {
      return refusal("CROSS_ORIGIN", "Requests from other sites are refused.");
    }
    let signedIn: SignedIn | null;
    try {
      signedIn = await lookUpUser();
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      return refusal(DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE);
    }
    if (!signedIn) {
      return refusal("UNAUTHENTICATED", "Sign in first.");
    }
    if (!can(signedIn.user, needed)) {
      return refusal("FORBIDDEN", `This needs the ${roleFor(needed)} role.`);
    }
    const response = await handler(signedIn, ...args);
    // The server's own share of the request (session check, handler, serialising the reply), for the
    // browser's network panel and the bench; streamed bodies are timed to their first byte.
    if (!response.headers.has("server-timing")) {
      try {
        response.headers.set("server-timing", `app;dur=${(performance.now() - started).toFixed(2)}`);
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
