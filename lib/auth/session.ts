import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { db, type User } from "../db";
import type { Role } from "./roles";

export const SESSION_COOKIE = "cb_session";
const SESSION_DAYS = 7;
const REFRESH_AFTER_MS = 60 * 60 * 1000;

export interface SignedIn {
  user: Pick<User, "id" | "email" | "name"> & { role: Role };
  sessionId: string;
}

function sessionIdOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** HTTPS is detected from the request (directly or via a proxy's X-Forwarded-Proto), or forced by env. */
async function secureCookies(): Promise<boolean> {
  if (process.env.CACHEBOARD_SECURE_COOKIES === "1") return true;
  const h = await headers();
  return h.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export async function clientAddress(): Promise<string | null> {
  const h = await headers();
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || null;
}

export async function startSession(userId: string): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
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
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: await secureCookies(),
    path: "/",
    expires: expiresAt,
  });
}

export async function endSession(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) await db().session.deleteMany({ where: { id: sessionIdOf(token) } });
  jar.delete(SESSION_COOKIE);
}

/** The signed-in user of this request, or null. Memoised per request. */
export const currentUser = cache(async (): Promise<SignedIn | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const id = sessionIdOf(token);
  const session = await db().session.findUnique({ where: { id }, include: { user: true } });
  if (!session || session.expiresAt.getTime() < Date.now() || session.user.disabled) return null;
  if (Date.now() - session.lastSeenAt.getTime() > REFRESH_AFTER_MS) {
    // Sliding expiry, written at most hourly. The cookie keeps its first expiry; the row is what counts.
    await db().session.update({
      where: { id },
      data: { lastSeenAt: new Date(), expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000) },
    });
  }
  const { user } = session;
  return { user: { id: user.id, email: user.email, name: user.name, role: user.role as Role }, sessionId: id };
});
