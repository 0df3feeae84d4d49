import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, loadMigrations, migrationsDir } from "@/lib/db-migrate";
import { createDb, type Db } from "@/lib/db-factory";
import { sealSecrets } from "@/lib/secrets";
import { startPostgres, type PostgresServer } from "../support/postgres";
import { removeDir, tempDir } from "../support/process";

const root = path.resolve(import.meta.dirname, "../..");
const migrationNames = (provider: "sqlite" | "postgresql") => loadMigrations(migrationsDir(provider, root)).map((m) => m.name);

/** Touches every model and column kind, so a migration that does not match the schema fails here. */
async function exerciseEveryModel(db: Db): Promise<void> {
  const user = await db.user.create({ data: { email: "a@example.test", passwordHash: "scrypt$x", role: "admin" } });
  await db.session.create({ data: { id: "s1", userId: user.id, expiresAt: new Date(Date.now() + 60_000) } });
  const profile = await db.connectionProfile.create({
    data: { name: "local", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: 1 }) },
  });
  const key = Buffer.from([0xff, 0xfe, 0x00, 0x61]);
  const entry = await db.auditEntry.create({
    data: {
      actorEmail: user.email,
      action: "keys.write",
      connectionId: profile.id,
      targetKey: new Uint8Array(key),
      beforeValue: new Uint8Array([1, 2, 3]),
      outcome: "ok",
    },
  });
  await db.loginThrottle.create({ data: { key: "address:192.0.2.1", failures: 2, lockedUntil: new Date(), lastAttemptAt: new Date(), version: 3 } });
  await db.setting.create({ data: { key: "audit.retentionDays", value: "90" } });
  const report = await db.analysisReport.create({
    data: {
      connectionId: profile.id,
      connectionName: profile.name,
      actorId: user.id,
      actorEmail: user.email,
      startedAt: new Date(Date.now() - 1000),
      finishedAt: new Date(),
      durationMs: 1000,
      status: "done",
      keys: 3,
      figures: "{}",
    },
  });
  expect((await db.analysisReport.findMany({ where: { connectionId: profile.id }, orderBy: { startedAt: "desc" }, omit: { figures: true } }))[0]?.id).toBe(report.id);

  const job = await db.job.create({
    data: {
      id: "00000000-0000-4000-8000-000000000001",
      kind: "delete",
      connectionId: profile.id,
      ownerId: user.id,
      status: "running",
      progress: "{}",
      startedAt: new Date(),
      heartbeatAt: new Date(),
      instanceId: "host:1:ab",
    },
  });
  expect(job.cancelRequested).toBe(false);
  await db.job.update({ where: { id: job.id, status: { in: ["running"] } }, data: { cancelRequested: true, result: "{}", finishedAt: new Date() } });
  expect((await db.job.findFirstOrThrow({ where: { connectionId: profile.id, kind: "delete", status: "running" } })).cancelRequested).toBe(true);

  const read = await db.auditEntry.findUniqueOrThrow({ where: { id: entry.id } });
  expect(Buffer.from(read.targetKey!)).toEqual(key);
  expect(read.at).toBeInstanceOf(Date);
  expect(read.status).toBe("done");
  const withSessions = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { sessions: true } });
  expect(withSessions.sessions).toHaveLength(1);
  expect(profile.timeoutMs).toBe(5000);
  expect(profile.keyDelimiter).toBe(":");
  // Deleting a user removes their sessions (ON DELETE CASCADE), and nothing else.
  await db.user.delete({ where: { id: user.id } });
  expect(await db.session.count()).toBe(0);
  expect(await db.auditEntry.count()).toBe(1);
}

describe("migrations on SQLite", () => {
  const dir = tempDir("sqlite");
  const url = `file:${path.join(dir, "nested", "cacheboard.db")}`;
  afterAll(() => removeDir(dir));

  it("apply on an empty file, once, the same migrations as PostgreSQL's", async () => {
    expect(migrationNames("sqlite")).toEqual(migrationNames("postgresql"));
    expect(await applyMigrations({ url, root })).toEqual(migrationNames("sqlite"));
    expect(await applyMigrations({ url, root })).toEqual([]);
  });

  it("produce tables the Prisma client can use", async () => {
    const db = createDb(url);
    try {
      await exerciseEveryModel(db);
    } finally {
      await db.$disconnect();
    }
  });

  it("keep no plaintext secret in the database file", async () => {
    process.env.CACHEBOARD_SECRET_KEY = "11".repeat(32);
    const password = "hunter2-very-secret-password";
    const db = createDb(url);
    try {
      await db.connectionProfile.create({
        data: {
          name: "with password",
          kind: "redis",
          settings: JSON.stringify({ host: "127.0.0.1", port: 6390 }),
          secret: sealSecrets({ password, tlsKey: "-----BEGIN PRIVATE KEY-----abc" }),
        },
      });
    } finally {
      await db.$disconnect();
    }
    const files = ["", "-wal"].map((suffix) => path.join(dir, "nested", `cacheboard.db${suffix}`));
    for (const file of files) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(password))).toBe(false);
      expect(bytes.includes(Buffer.from("BEGIN PRIVATE KEY"))).toBe(false);
    }
  });
});

describe("migrations on PostgreSQL", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("apply on an empty database, once, and serve the Prisma client", async () => {
    const url = await server.createDatabase("cacheboard_migrations");
    expect(await applyMigrations({ url, root })).toEqual(migrationNames("postgresql"));
    expect(await applyMigrations({ url, root })).toEqual([]);
    const db = createDb(url);
    try {
      await exerciseEveryModel(db);
    } finally {
      await db.$disconnect();
    }
  });

  it("records migrations where `prisma migrate deploy` expects them", async () => {
    const url = server.url("cacheboard_migrations");
    const pg = await import("pg");
    const client = new pg.default.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(rows.map((row) => row.migration_name)).toEqual(migrationNames("postgresql"));
      for (const row of rows) {
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.finished_at).not.toBeNull();
      }
    } finally {
      await client.end();
    }
  });
});
