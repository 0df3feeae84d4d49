/**
 * Saving a profile through the real action and database: the password never lands in the SQLite file in
 * plaintext (main file and WAL), never reaches the browser's view of the profile, and survives edits that
 * leave it unchanged.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("secrets");
const dbFile = path.join(dir, "cb.db");
process.env.DATABASE_URL = `file:${dbFile}`;
process.env.CACHEBOARD_SECRET_KEY = "33".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { createConnection } = await import("@/lib/actions/connections/create-connection");
const { updateConnection } = await import("@/lib/actions/connections/update-connection");
const { loadConnection } = await import("@/lib/connections/load");
const { openSecrets } = await import("@/lib/secrets");

const PASSWORD = "Plaintext-Secret-7f3a9c";
const TLS_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";

function rawBytes(): Buffer {
  return Buffer.concat([dbFile, `${dbFile}-wal`, `${dbFile}-journal`].filter(existsSync).map((file) => readFileSync(file)));
}

describe("connection secrets at rest", () => {
  let id = "";
  beforeAll(async () => {
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const user = await db().user.create({ data: { email: "admin@example.test", passwordHash: "x", role: "admin" } });
    const token = "admin-token";
    await db().session.create({ data: { id: createHash("sha256").update(token).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 60_000) } });
    request.cookie = token;
  });
  afterAll(async () => {
    await db().$disconnect();
    removeDir(dir);
  });

  it("stores the password sealed: the raw database file does not contain it", async () => {
    const result = await createConnection({
      name: "with password",
      kind: "redis",
      settings: { host: "127.0.0.1", port: 6390, tls: { enabled: true, verify: true } },
      secrets: { password: PASSWORD, tlsKey: TLS_KEY },
    });
    expect(result).toMatchObject({ ok: true });
    id = result.ok ? result.data.id : "";
    await db().$executeRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)").catch(() => undefined);
    const bytes = rawBytes();
    expect(bytes.includes(Buffer.from("with password"))).toBe(true);
    expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(bytes.includes(Buffer.from(PASSWORD, "utf16le"))).toBe(false);
    expect(bytes.includes(Buffer.from("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"))).toBe(false);
    expect(bytes.includes(Buffer.from(Buffer.from(PASSWORD).toString("base64")))).toBe(false);
    const row = await db().connectionProfile.findUniqueOrThrow({ where: { id } });
    expect(row.secret).toMatch(/^v1\./);
    expect(openSecrets(row.secret)).toEqual({ password: PASSWORD, tlsKey: TLS_KEY });
  });

  it("shows only which secrets are set, never their values", async () => {
    const loaded = await loadConnection(id);
    expect(loaded!.profile.secretsSet.sort()).toEqual(["password", "tlsKey"]);
    expect(JSON.stringify(loaded!.profile)).not.toContain(PASSWORD);
  });

  it("keeps an unchanged secret, clears one sent empty, and audits names only", async () => {
    const result = await updateConnection({
      id,
      // Same address: a stored secret is only kept for the address it was saved for.
      profile: { name: "with password", kind: "redis", settings: { host: "127.0.0.1", port: 6390, db: 1, tls: { enabled: true, verify: true } }, secrets: { tlsKey: "" } },
    });
    expect(result).toMatchObject({ ok: true });
    const row = await db().connectionProfile.findUniqueOrThrow({ where: { id } });
    expect(openSecrets(row.secret)).toEqual({ password: PASSWORD });
    const entries = await db().auditEntry.findMany({ where: { action: { startsWith: "connections." } } });
    expect(entries.map((e) => e.action)).toEqual(["connections.create", "connections.update"]);
    expect(JSON.parse(entries[1].detail!).changed).toEqual(["settings", "secret:tlsKey"]);
    for (const entry of entries) expect(JSON.stringify(entry)).not.toContain(PASSWORD);
  });
});
