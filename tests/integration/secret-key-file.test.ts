/**
 * The key file that seals connection secrets: generated on the first start, but never again once secrets
 * sealed with it exist — a lost `secret.key` stops the server with an error naming the file, instead of
 * a fresh key that turns every stored secret into noise.
 */
import { existsSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";

const dir = tempDir("secret-key-file");
process.env.DATABASE_URL = `file:${path.join(dir, "data", "cb.db")}`;
delete process.env.CACHEBOARD_SECRET_KEY;

const { db } = await import("@/lib/db");
const { ensureSecretKey, sealSecrets, secretKeyPath, SecretKeyMissingError } = await import("@/lib/secrets");

/** What a restart does: the process forgets the key it had read. */
function restart(): void {
  delete (globalThis as { cacheboardSecretKey?: Buffer }).cacheboardSecretKey;
}

describe("the secret key file", () => {
  beforeAll(async () => {
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
  });
  afterAll(async () => {
    await db().$disconnect();
    removeDir(dir);
  });

  it("is generated 0600 beside the database on the first start", async () => {
    restart();
    await ensureSecretKey();
    expect(secretKeyPath()).toBe(path.join(dir, "data", "secret.key"));
    expect(statSync(secretKeyPath()).mode & 0o777).toBe(0o600);
  });

  it("is a new one when lost while nothing was sealed with it", async () => {
    rmSync(secretKeyPath());
    restart();
    await ensureSecretKey();
    expect(existsSync(secretKeyPath())).toBe(true);
  });

  it("refuses to start, naming the file, when it is lost while profiles hold secrets sealed with it", async () => {
    await db().connectionProfile.create({ data: { name: "sessions", kind: "redis", settings: "{}", secret: sealSecrets({ password: "pw" }) } });
    rmSync(secretKeyPath());
    restart();
    const failure = ensureSecretKey();
    await expect(failure).rejects.toBeInstanceOf(SecretKeyMissingError);
    await expect(failure).rejects.toThrow(secretKeyPath());
    await expect(failure).rejects.toThrow(/sessions/);
    expect(existsSync(secretKeyPath())).toBe(false);
  });

  it("starts with the key from CACHEBOARD_SECRET_KEY even without the file", async () => {
    process.env.CACHEBOARD_SECRET_KEY = "66".repeat(32);
    try {
      restart();
      await expect(ensureSecretKey()).resolves.toBeUndefined();
      expect(existsSync(secretKeyPath())).toBe(false);
    } finally {
      delete process.env.CACHEBOARD_SECRET_KEY;
    }
  });
});
