import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "./generated/postgresql/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { secureSqliteFiles } from "./db-files";
import { databaseTarget } from "./db-url";

export type Db = SqliteClient;

/**
 * A Prisma client for `DATABASE_URL` (or `url`). The two generated clients share one model, so the
 * PostgreSQL client is used through the SQLite client's type. Usable from scripts and tests; app code
 * goes through `db()` in ./db.
 */
export function createDb(url?: string): Db {
  const target = databaseTarget(url);
  if (target.provider === "postgresql") {
    return new PgClient({ adapter: new PrismaPg({ connectionString: target.location }) }) as unknown as Db;
  }
  secureSqliteFiles(target.location);
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${target.location}` }) });
}
