import { NextResponse, type NextRequest } from "next/server";
import { refreshSessionCookie } from "./lib/auth/session-cookie";

/**
 * Security headers that differ per request or per deployment: a Content-Security-Policy with a fresh nonce
 * (Next.js reads it from the request's CSP header and puts it on its own scripts, so no inline script
 * without it runs), and HSTS when CACHEBOARD_HSTS=1 says the app is only reached over HTTPS. The fixed
 * headers are in next.config.ts. It also carries a sliding session's new expiry to the cookie. Routing-level
 * work only: pages and route handlers check the session themselves.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const https = process.env.CACHEBOARD_HSTS === "1";
  const policy = [
    "default-src 'self'",
    // React's development build evaluates code for its error overlays; production needs no eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
    // Components set style attributes (environment colours, virtual list offsets), which nonces cannot cover.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");

  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  if (https) response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  refreshSessionCookie(request, response);
  return response;
}

export const config = {
  // Pages only. Built assets and route handlers (JSON, downloads) carry the fixed headers from next.config.ts:
  // a policy is for documents, and a 50 MB download through the proxy did not start within 30 s.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico).*)"],
};
