import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "./generated/postgresql/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { databaseTarget } from "./db-url";

export type Db = SqliteClient;
export type { AuditEntry, ConnectionProfile, Session, User } from "./generated/sqlite/client";

/**
 * The two generated clients share one model, so the PostgreSQL client is used through the SQLite client's
 * type; only provider-specific features (none used here) would differ.
 */
export function createDb(url?: string): Db {
  const target = databaseTarget(url);
  if (target.provider === "postgresql") {
    return new PgClient({ adapter: new PrismaPg({ connectionString: target.location }) }) as unknown as Db;
  }
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${target.location}` }) });
}

const holder = globalThis as unknown as { cacheboardDb?: Db };

/** One client per server process (kept across hot reloads in development). */
export function db(): Db {
  holder.cacheboardDb ??= createDb();
  return holder.cacheboardDb;
}
