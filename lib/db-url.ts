import path from "node:path";

type DatabaseProvider = "sqlite" | "postgresql";

export interface DatabaseTarget {
  provider: DatabaseProvider;
  /** For SQLite the absolute file path; for PostgreSQL the connection string. */
  location: string;
}

const DEFAULT_DATABASE_URL = "file:./data/cacheboard.db";

/** `DATABASE_URL`: `file:<path>` (relative to the working directory) or `postgres(ql)://…`. */
export function databaseTarget(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", location: url };
  const file = url.replace(/^file:/i, "").replace(/\?.*$/, "");
  if (!file) throw new Error(`DATABASE_URL is not a SQLite file or PostgreSQL URL: ${url}`);
  return { provider: "sqlite", location: path.resolve(file) };
}
