import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect, unauthorized } from "next/navigation";
import { NextResponse } from "next/server";
import { loginPathFor } from "./next-path";
import { requestTargetOf } from "./request-origin";
import { roleAllows, type Role } from "./roles";
import { currentUser, type SignedIn } from "./session";

/**
 * For pages and layouts: sends anonymous visitors to sign in (and back to this page afterwards), answers
 * 403 to a role that is too low.
 */
export async function requirePageUser(needed: Role = "viewer"): Promise<SignedIn> {
  const signedIn = await currentUser();
  if (!signedIn) redirect(loginPathFor(requestTargetOf(await headers())));
  if (!roleAllows(signedIn.user.role, needed)) forbidden();
  return signedIn;
}

/** For route handlers: 401 without a session, 403 below the needed role, before the handler runs. */
export function withUser<Args extends unknown[]>(
  needed: Role,
  handler: (signedIn: SignedIn, ...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    const signedIn = await currentUser();
    if (!signedIn) {
      return NextResponse.json({ ok: false, code: "UNAUTHENTICATED", message: "Sign in first." }, { status: 401 });
    }
    if (!roleAllows(signedIn.user.role, needed)) {
      return NextResponse.json({ ok: false, code: "FORBIDDEN", message: `This needs the ${needed} role.` }, { status: 403 });
    }
    return handler(signedIn, ...args);
  };
}

/** For server actions: a real 401 for anonymous calls (see the action wrapper). */
export async function requireActionUser(): Promise<SignedIn> {
  const signedIn = await currentUser();
  if (!signedIn) unauthorized();
  return signedIn;
}
