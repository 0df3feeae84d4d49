import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { databaseTarget } from "./db-url";

/**
 * Connection secrets at rest: AES-256-GCM with a fresh 96-bit IV per value. The key comes from
 * CACHEBOARD_SECRET_KEY (64 hex chars or 44 base64 chars), or is generated once into `secret.key`
 * (mode 0600) beside the SQLite database, or in ./data for PostgreSQL.
 */
const VERSION = "v1";

let cachedKey: Buffer | undefined;

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

function secretKey(): Buffer {
  if (cachedKey) return cachedKey;
  if (process.env.CACHEBOARD_SECRET_KEY) {
    cachedKey = parseKey(process.env.CACHEBOARD_SECRET_KEY);
    return cachedKey;
  }
  const file = secretKeyPath();
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    // "wx": if another process created it meanwhile, fail here and read theirs below.
    try {
      writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  chmodSync(file, 0o600);
  cachedKey = parseKey(readFileSync(file, "utf8"));
  return cachedKey;
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
