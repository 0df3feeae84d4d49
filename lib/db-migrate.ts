/**
 * Applies the committed `migration.sql` files in order, recording them in `_prisma_migrations` exactly as
 * `prisma migrate deploy` does, so either tool can take over from the other. We run them ourselves because
 * Prisma's native schema engine has to be downloaded from a host that offline machines cannot reach.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { secureSqliteFiles } from "./db-files";
import { databaseTarget, type DatabaseTarget } from "./db-url";

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsDir(provider: DatabaseTarget["provider"], root = process.cwd()): string {
  return path.join(root, provider === "sqlite" ? "prisma/migrations" : "prisma/postgresql/migrations");
}

export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** Fails on a migration that failed before, or whose file changed after it was applied. */
function pending(migrations: Migration[], applied: AppliedRow[]): Migration[] {
  const live = applied.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new Error(`Migration ${failed.migration_name} failed earlier; fix the database, then mark it rolled back.`);
  }
  const done = new Map(live.map((row) => [row.migration_name, row.checksum]));
  for (const migration of migrations) {
    const checksum = done.get(migration.name);
    if (checksum && checksum !== migration.checksum) {
      throw new Error(`Migration ${migration.name} was changed after it was applied.`);
    }
  }
  return migrations.filter((migration) => !done.has(migration.name));
}

export async function applyMigrations(
  options: { url?: string; root?: string; log?: (line: string) => void } = {},
): Promise<string[]> {
  const target = databaseTarget(options.url);
  const migrations = loadMigrations(migrationsDir(target.provider, options.root));
  const log = options.log ?? (() => {});
  return target.provider === "sqlite"
    ? applySqlite(target.location, migrations, log)
    : applyPostgres(target.location, migrations, log);
}

function applySqlite(file: string, migrations: Migration[], log: (line: string) => void): string[] {
  secureSqliteFiles(file);
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const appliedNow: string[] = [];
    // IMMEDIATE: a second process starting at the same moment waits instead of applying twice.
    const run = db.transaction(() => {
      const rows = db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`).all() as AppliedRow[];
      for (const migration of pending(migrations, rows)) {
        db.exec(migration.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), migration.checksum, Date.now(), migration.name, Date.now());
        appliedNow.push(migration.name);
        log(`applied ${migration.name}`);
      }
    });
    run.immediate();
    return appliedNow;
  } finally {
    db.close();
  }
}

async function applyPostgres(url: string, migrations: Migration[], log: (line: string) => void): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The advisory lock id Prisma Migrate uses, so Cacheboard and `prisma migrate deploy` exclude each other.
    await client.query("SELECT pg_advisory_lock(72707369)");
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const appliedNow: string[] = [];
    for (const migration of pending(migrations, rows)) {
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
      appliedNow.push(migration.name);
      log(`applied ${migration.name}`);
    }
    return appliedNow;
  } finally {
    await client.query("SELECT pg_advisory_unlock(72707369)").catch(() => undefined);
    await client.end();
  }
}
