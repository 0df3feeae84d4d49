import "server-only";
import { forbidden, redirect, unauthorized } from "next/navigation";
import { NextResponse } from "next/server";
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, DatabaseUnavailableError, isDatabaseUnavailable } from "../db-errors";
import { roleAllows, type Role } from "./roles";
import { currentUser, type SignedIn } from "./session";

/** The session lookup, with the database's own failures turned into DatabaseUnavailableError. */
async function lookUpUser(): Promise<SignedIn | null> {
  try {
    return await currentUser();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError({ cause: error });
    throw error;
  }
}

/** For pages and layouts: sends anonymous visitors to sign in, answers 403 to a role that is too low. */
export async function requirePageUser(needed: Role = "viewer"): Promise<SignedIn> {
  const signedIn = await lookUpUser();
  if (!signedIn) redirect("/login");
  if (!roleAllows(signedIn.user.role, needed)) forbidden();
  return signedIn;
}

/** For route handlers: 401 without a session, 403 below the needed role, before the handler runs. */
export function withUser<Args extends unknown[]>(
  needed: Role,
  handler: (signedIn: SignedIn, ...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    let signedIn: SignedIn | null;
    try {
      signedIn = await lookUpUser();
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      return NextResponse.json({ ok: false, code: DATABASE_UNAVAILABLE, message: DATABASE_UNAVAILABLE_MESSAGE }, { status: 503 });
    }
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
  const signedIn = await lookUpUser();
  if (!signedIn) unauthorized();
  return signedIn;
}
