/**
 * Stored connection secrets against real servers and a real SQLite database: "Test connection" never
 * carries a stored password to another address (a fake server on loopback records every byte it gets),
 * tests are audited, and a profile whose secret cannot be opened with the current key is shown and
 * answered as "secret unreadable" instead of failing pages and routes.
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("connection-secrets");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "55".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { createConnection } = await import("@/lib/actions/connections/create-connection");
const { updateConnection } = await import("@/lib/actions/connections/update-connection");
const { testConnection } = await import("@/lib/actions/connections/test-connection");
const { listConnections } = await import("@/lib/queries/connections");
const { loadConnection } = await import("@/lib/connections/load");
const { connectionHealth } = await import("@/lib/connections/health");
const { openSecrets } = await import("@/lib/secrets");
const keysRoute = await import("@/app/api/c/[id]/keys/route");
const keyRoute = await import("@/app/api/c/[id]/key/route");

const PASSWORD = "stored-Pa55-9d2e";

/** Accepts connections on loopback and keeps every byte; answers each line as Redis would a wrong password. */
async function recordingServer(): Promise<{ port: number; received: () => string; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const server: Server = createServer((socket) => {
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      socket.write("-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    received: () => Buffer.concat(chunks).toString("latin1"),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Seals like lib/secrets.ts does, with a key this server does not have (a replaced secret.key). */
function sealedWithAnotherKey(secrets: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", randomBytes(32), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

const profile = (port: number, secrets: Record<string, string> = {}) => ({
  name: "sessions",
  kind: "redis" as const,
  settings: { host: "127.0.0.1", port },
  secrets,
});

describe("stored secrets", () => {
  let redis: RedisServer;
  let fake: Awaited<ReturnType<typeof recordingServer>>;
  let id = "";
  beforeAll(async () => {
    [redis, fake] = await Promise.all([startRedis({ password: PASSWORD }), recordingServer()]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const user = await db().user.create({ data: { email: "admin@example.test", passwordHash: "x", role: "admin" } });
    request.cookie = "admin-token";
    await db().session.create({ data: { id: createHash("sha256").update(request.cookie).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 60_000) } });
    const created = await createConnection(profile(redis.port, { password: PASSWORD }));
    expect(created).toMatchObject({ ok: true });
    id = created.ok ? created.data.id : "";
  });
  afterAll(async () => {
    await db().$disconnect();
    await fake?.close();
    await redis?.stop();
    removeDir(dir);
  });

  const lastAudit = () => db().auditEntry.findFirstOrThrow({ where: { action: "connections.test" }, orderBy: { id: "desc" } });

  it("tests a saved profile with its stored password at its stored address, and audits the test", async () => {
    expect(await testConnection({ id, profile: profile(redis.port) })).toMatchObject({ ok: true });
    const entry = await lastAudit();
    expect(entry).toMatchObject({ outcome: "ok", actorEmail: "admin@example.test" });
    expect(JSON.parse(entry.detail!)).toMatchObject({ id, address: { host: "127.0.0.1", port: redis.port }, storedSecrets: ["password"] });
    expect(JSON.stringify(entry)).not.toContain(PASSWORD);
  });

  it("never sends the stored password to another address, and audits the attempt", async () => {
    const result = await testConnection({ id, profile: profile(fake.port) });
    expect(result).toMatchObject({ ok: false, code: "SECRET_REQUIRED" });
    expect(fake.received()).not.toContain(PASSWORD);
    const entry = await lastAudit();
    expect(entry).toMatchObject({ outcome: "error", errorCode: "SECRET_REQUIRED" });
    expect(JSON.parse(entry.detail!)).toMatchObject({ id, address: { port: fake.port } });
  });

  it("tests another address with a password typed for it, never the stored one", async () => {
    const result = await testConnection({ id, profile: profile(fake.port, { password: "typed-for-the-new-host" }) });
    expect(result).toMatchObject({ ok: false, code: "AUTH_FAILED" });
    expect(fake.received()).toContain("typed-for-the-new-host");
    expect(fake.received()).not.toContain(PASSWORD);
    expect(JSON.parse((await lastAudit()).detail!)).toMatchObject({ storedSecrets: [], typedSecrets: ["password"] });
  });

  it("refuses to save a new address that would keep the stored password, and keeps the profile as it was", async () => {
    const result = await updateConnection({ id, profile: profile(fake.port) });
    expect(result).toMatchObject({ ok: false, code: "SECRET_REQUIRED" });
    const row = await db().connectionProfile.findUniqueOrThrow({ where: { id } });
    expect(JSON.parse(row.settings)).toMatchObject({ port: redis.port });
    expect(openSecrets(row.secret)).toEqual({ password: PASSWORD });
    // Other edits at the same address keep the stored password as before.
    expect(await updateConnection({ id, profile: { ...profile(redis.port), settings: { host: "127.0.0.1", port: redis.port, db: 1 } } })).toMatchObject({ ok: true });
    expect(openSecrets((await db().connectionProfile.findUniqueOrThrow({ where: { id } })).secret)).toEqual({ password: PASSWORD });
  });

  describe("a secret sealed with another key", () => {
    let broken = "";
    beforeAll(async () => {
      const row = await db().connectionProfile.create({
        data: { name: "restored from backup", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }), secret: sealedWithAnotherKey({ password: PASSWORD }) },
      });
      broken = row.id;
    });

    it("lists the profile as unreadable instead of failing the page", async () => {
      const listed = await listConnections();
      expect(listed.find((p) => p.id === broken)).toMatchObject({ secretsUnreadable: true, secretsSet: [] });
      expect(listed.find((p) => p.id === id)).toMatchObject({ secretsUnreadable: false, secretsSet: ["password"] });
      expect((await loadConnection(broken))!.profile.secretsUnreadable).toBe(true);
    });

    it("reports SECRET_UNREADABLE in the status dots and from the connection's routes", async () => {
      const health = await connectionHealth();
      expect(health.find((h) => h.id === broken)).toMatchObject({ ok: false, code: "SECRET_UNREADABLE" });
      expect(health.find((h) => h.id === id)).toMatchObject({ ok: true });

      const params = { params: Promise.resolve({ id: broken }) };
      const list = await keysRoute.POST(
        new Request(`http://127.0.0.1/api/c/${broken}/keys`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } }) as never,
        params,
      );
      expect(list.status).toBe(409);
      expect(await list.json()).toMatchObject({ ok: false, code: "SECRET_UNREADABLE" });
      const read = await keyRoute.POST(new Request(`http://127.0.0.1/api/c/${broken}/key`, { method: "POST", body: JSON.stringify({ key: "aw==" }) }), params);
      expect(read.status).not.toBe(500);
      expect(await read.json()).toMatchObject({ ok: false, code: "SECRET_UNREADABLE" });
    });

    it("is repaired by re-entering the password", async () => {
      expect(await updateConnection({ id: broken, profile: { ...profile(redis.port, { password: PASSWORD }), name: "restored from backup" } })).toMatchObject({ ok: true });
      expect((await loadConnection(broken))!.profile).toMatchObject({ secretsUnreadable: false, secretsSet: ["password"] });
      await expect((await loadConnection(broken))!.driver().ping()).resolves.toHaveProperty("latencyMs");
    });
  });
});
