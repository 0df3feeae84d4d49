import "server-only";
import { createDb, type Db } from "./db-factory";

export type { Db };
export type { AuditEntry, ConnectionProfile, Session, User } from "./generated/sqlite/client";

const holder = globalThis as unknown as { cacheboardDb?: Db };

/** One client per server process (kept across hot reloads in development). */
export function db(): Db {
  holder.cacheboardDb ??= createDb();
  return holder.cacheboardDb;
}
