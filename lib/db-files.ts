import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync } from "node:fs";
import path from "node:path";

/** What Cacheboard keeps beside a SQLite database; a folder holding only these is ours to lock down. */
function ownFile(name: string, database: string): boolean {
  return name === "secret.key" || name === database || ["-wal", "-shm", "-journal"].some((suffix) => name === database + suffix);
}

/**
 * The SQLite file holds password hashes, session digests and value snapshots: the owner alone may read it.
 * Creates its folder 0700 and the file 0600 before SQLite opens it (SQLite gives the WAL, shared-memory and
 * journal files the database file's mode), and tightens files and a folder an earlier version left open. A
 * folder that holds anything else is someone else's to manage and keeps its mode.
 */
export function secureSqliteFiles(file: string): void {
  const dir = path.dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const database = path.basename(file);
  if (readdirSync(dir).every((name) => ownFile(name, database))) chmodSync(dir, 0o700);
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const name of [database, `${database}-wal`, `${database}-shm`, `${database}-journal`]) {
    const full = path.join(dir, name);
    if (existsSync(full)) chmodSync(full, 0o600);
  }
}
