import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { db, type User } from "../db";
import { cachedRead } from "../read-cache";
import { clientAddressOf } from "./request-origin";
import type { Role } from "./roles";
import { SESSION_COOKIE, sessionCookieOptions, sessionExpiry } from "./session-cookie";

const REFRESH_AFTER_MS = 60 * 60 * 1000;

export interface SignedIn {
  user: Pick<User, "id" | "email" | "name"> & { role: Role };
  sessionId: string;
}

/** The database id of a session: the SHA-256 of its token, so the database never holds a usable token. */
export function sessionIdOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The client's address as far as it can be trusted (see request-origin.ts); null when unknown. */
export async function clientAddress(): Promise<string | null> {
  return clientAddressOf(await headers());
}

export async function startSession(userId: string): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = sessionExpiry();
  const h = await headers();
  await db().session.create({
    data: {
      id: sessionIdOf(token),
      userId,
      expiresAt,
      userAgent: h.get("user-agent")?.slice(0, 300) ?? null,
      clientAddress: await clientAddress(),
    },
  });
  (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(h, expiresAt));
}

export async function endSession(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) await db().session.deleteMany({ where: { id: sessionIdOf(token) } });
  jar.delete(SESSION_COOKIE);
}

/** The signed-in user of this request, or null. Memoised per request. */
export const currentUser = cache(async (): Promise<SignedIn | null> => userOfSession((await cookies()).get(SESSION_COOKIE)?.value));

/**
 * The user a session cookie's token belongs to, or null (no token, unknown, expired, or the user disabled).
 * `currentUser` reads the token from Next.js's request; the direct lane (../server/direct-lane.ts) from the
 * Cookie header itself.
 */
export async function userOfSession(token: string | undefined): Promise<SignedIn | null> {
  return token ? userOfSessionId(sessionIdOf(token)) : null;
}

/** The same from the session's id (`sessionIdOf` its token), for a caller that asks again and again (a lane socket). */
export async function userOfSessionId(id: string): Promise<SignedIn | null> {
  // Memoised across the requests of a burst; any write to sessions or users drops it (../read-cache).
  const session = await cachedRead("auth", id, () => db().session.findUnique({ where: { id }, include: { user: true } }));
  if (!session || session.expiresAt.getTime() < Date.now() || session.user.disabled) return null;
  if (Date.now() - session.lastSeenAt.getTime() > REFRESH_AFTER_MS) {
    // Sliding expiry, written at most hourly; proxy.ts slides the cookie along with it.
    await db().session.update({ where: { id }, data: { lastSeenAt: new Date(), expiresAt: sessionExpiry() } });
  }
  const { user } = session;
  return { user: { id: user.id, email: user.email, name: user.name, role: user.role as Role }, sessionId: id };
}
