import { NextResponse, type NextRequest } from "next/server";
import { refreshSessionCookie } from "./lib/auth/session-cookie";

/** Routing-level work only; who may see what is checked by the pages and handlers themselves. */
export function proxy(request: NextRequest): NextResponse {
  const response = NextResponse.next();
  refreshSessionCookie(request, response);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
