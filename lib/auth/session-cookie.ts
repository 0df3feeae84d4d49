import type { NextRequest, NextResponse } from "next/server";

export const SESSION_COOKIE = "cb_session";
const SESSION_DAYS = 7;

/** HTTPS is detected from the request (directly or via a proxy's X-Forwarded-Proto), or forced by env. */
function secure(headers: Headers): boolean {
  if (process.env.CACHEBOARD_SECURE_COOKIES === "1") return true;
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export function sessionCookieOptions(headers: Headers, expires: Date) {
  return { httpOnly: true, sameSite: "lax" as const, secure: secure(headers), path: "/", expires };
}

export function sessionExpiry(from = Date.now()): Date {
  return new Date(from + SESSION_DAYS * 86_400_000);
}

/**
 * The session slides (lib/auth/session.ts moves the row's expiry while it is used), so the cookie must
 * slide with it: every page the browser navigates to with the cookie gets it back with a fresh expiry.
 * Only top-level navigations: a router prefetch or RSC fetch sent just before sign-out would otherwise
 * answer after it and put the deleted cookie back. Server actions are left alone for the same reason:
 * sign-in and sign-out set or delete the cookie themselves.
 */
export function refreshSessionCookie(request: NextRequest, response: NextResponse): void {
  if (request.method !== "GET" && request.method !== "HEAD") return;
  if (request.headers.get("sec-fetch-mode") !== "navigate") return;
  const token = request.cookies.get(SESSION_COOKIE)?.value;
  if (!token) return;
  response.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(request.headers, sessionExpiry()));
}
