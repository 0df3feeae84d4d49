import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { databaseTarget } from "./db-url";

/**
 * Connection secrets at rest: AES-256-GCM with a fresh 96-bit IV per value. The key comes from
 * CACHEBOARD_SECRET_KEY (64 hex chars or 44 base64 chars), or is generated once into `secret.key`
 * (mode 0600) beside the SQLite database, or in ./data for PostgreSQL — but never while the database holds
 * secrets sealed with a key that is gone: a new key would only turn them into noise.
 */
const VERSION = "v1";

/** Kept process-wide: Next.js bundles this module once per server layer, and all must seal with one key. */
const holder = globalThis as unknown as { cacheboardSecretKey?: Buffer };

export function secretKeyPath(): string {
  const target = databaseTarget();
  const dir = target.provider === "sqlite" ? path.dirname(target.location) : path.resolve("data");
  return path.join(dir, "secret.key");
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error("CACHEBOARD_SECRET_KEY must be 32 bytes, as 64 hex or 44 base64 characters");
  return key;
}

function readKey(): Buffer | null {
  if (process.env.CACHEBOARD_SECRET_KEY) return parseKey(process.env.CACHEBOARD_SECRET_KEY);
  const file = secretKeyPath();
  if (!existsSync(file)) return null;
  chmodSync(file, 0o600);
  return parseKey(readFileSync(file, "utf8"));
}

function generateKey(): Buffer {
  const file = secretKeyPath();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // "wx": if another process created it meanwhile, fail here and read theirs below.
  try {
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readKey()!;
}

/** The key file is gone while sealed secrets remain: the server must not start and mint a new key. */
export class SecretKeyMissingError extends Error {
  constructor(file: string, profiles: string[]) {
    super(
      `The secret key file ${file} is missing, but ${profiles.length} connection profile(s) hold secrets sealed with it ` +
        `(${profiles.join(", ")}). Restore the file from a backup, or set CACHEBOARD_SECRET_KEY to the key. ` +
        `To give those secrets up instead, clear the column: UPDATE "ConnectionProfile" SET "secret" = NULL; then start again and re-enter them.`,
    );
    this.name = "SecretKeyMissingError";
  }
}

/**
 * Run once at server start: reads the key, or generates it when no secret is sealed yet. Throws
 * SecretKeyMissingError instead of generating one when sealed secrets exist without their key.
 */
export async function ensureSecretKey(): Promise<void> {
  const existing = readKey();
  if (existing) {
    holder.cacheboardSecretKey = existing;
    return;
  }
  const { db } = await import("./db");
  const sealed = await db().connectionProfile.findMany({ where: { secret: { not: null } }, select: { name: true } });
  if (sealed.length) throw new SecretKeyMissingError(secretKeyPath(), sealed.map((row) => row.name));
  holder.cacheboardSecretKey = generateKey();
}

function secretKey(): Buffer {
  // Outside the server (scripts, tests) nothing ran ensureSecretKey; sealing there may create the key.
  holder.cacheboardSecretKey ??= readKey() ?? generateKey();
  return holder.cacheboardSecretKey;
}

export function sealSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", secretKey(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64"), tag.toString("base64"), body.toString("base64")].join(".");
}

export function openSecret(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("Unreadable sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", secretKey(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

/** Secrets of a connection profile travel as one sealed JSON object. */
export function sealSecrets(secrets: Record<string, string>): string | null {
  const present = Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== ""));
  return Object.keys(present).length ? sealSecret(JSON.stringify(present)) : null;
}

export function openSecrets(sealed: string | null): Record<string, string> {
  if (!sealed) return {};
  return JSON.parse(openSecret(sealed)) as Record<string, string>;
}

/**
 * The secrets, or null when they cannot be opened with the current key (the key was replaced or the value
 * damaged): the profile is shown as "secret unreadable" and an admin re-enters them.
 */
export function tryOpenSecrets(sealed: string | null): Record<string, string> | null {
  try {
    return openSecrets(sealed);
  } catch {
    return null;
  }
}
