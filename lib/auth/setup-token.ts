import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { secretKeyPath } from "../secrets";
import { userCount } from "../users/first-admin";

/**
 * Until the first admin exists, whoever reaches the server could claim that account. From the server's own
 * machine (loopback) that is the operator; from anywhere else the form also asks for this one-time token,
 * which only someone with access to the server's console or files can read. Kept beside the database
 * (mode 0600) so every server process and restart agrees on it; deleted once the admin exists.
 */
export function setupTokenPath(): string {
  return path.join(path.dirname(secretKeyPath()), "setup-token");
}

function readToken(): string | null {
  try {
    return readFileSync(setupTokenPath(), "utf8").trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/** Returns the token, creating it when there is none yet. */
export function ensureSetupToken(): string {
  const existing = readToken();
  if (existing) return existing;
  const file = setupTokenPath();
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(18).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process wrote it first: theirs is the token.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readToken()!;
}

/** At server start: prints the token while the admin account is still to be created, else drops it. */
export async function announceSetupToken(): Promise<void> {
  if ((await userCount()) > 0) {
    discardSetupToken();
    return;
  }
  if (process.env.CACHEBOARD_ADMIN_EMAIL) return;
  const token = ensureSetupToken();
  console.log(`Setup token (asked for when the admin account is created from another machine): ${token}\n  also in ${setupTokenPath()}`);
}

export function setupTokenMatches(given: string | undefined): boolean {
  const expected = readToken();
  if (!expected || !given) return false;
  const a = Buffer.from(given.trim());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function discardSetupToken(): void {
  rmSync(setupTokenPath(), { force: true });
}
