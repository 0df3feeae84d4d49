import "server-only";
import { createDb, type Db } from "./db-factory";
import { noteWrite } from "./read-cache";

export type { Db };
export type { AuditEntry, ConnectionProfile, Session, User } from "./generated/sqlite/client";

const holder = globalThis as unknown as { cacheboardDb?: Db };

const WRITES = new Set(["create", "createMany", "createManyAndReturn", "update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"]);

/**
 * The app's client: every write is reported to the read cache (./read-cache), which memoises session and
 * connection lookups, so a change made here is seen by the very next request.
 */
function withWriteNotes(client: Db): Db {
  return client.$extends({
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (!WRITES.has(operation)) return query(args);
          try {
            return await query(args);
          } finally {
            noteWrite(model);
          }
        },
      },
    },
  }) as unknown as Db;
}

/** One client per server process (kept across hot reloads in development). */
export function db(): Db {
  holder.cacheboardDb ??= withWriteNotes(createDb());
  return holder.cacheboardDb;
}
