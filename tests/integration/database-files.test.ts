/**
 * The SQLite database holds password hashes, session digests and value snapshots: its file, WAL and
 * shared-memory file are readable by the owner only, in a folder only the owner can enter — also under the
 * usual umask 022, and also for files an earlier version left world-readable.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { createDb } from "@/lib/db-factory";
import { removeDir, tempDir } from "../support/process";

const root = path.resolve(import.meta.dirname, "../..");
const mode = (file: string) => statSync(file).mode & 0o777;

describe("database file permissions", () => {
  const base = tempDir("db-files");
  let umask = 0;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
    removeDir(base);
  });

  it("creates the database 0600 (WAL and shared memory too) in a 0700 folder", async () => {
    const file = path.join(base, "fresh", "data", "cacheboard.db");
    await applyMigrations({ url: `file:${file}`, root });
    const db = createDb(`file:${file}`);
    await db.user.create({ data: { email: "a@example.test", passwordHash: "scrypt$x", role: "admin" } });
    const files = readdirSync(path.dirname(file));
    expect(files).toEqual(expect.arrayContaining(["cacheboard.db", "cacheboard.db-wal", "cacheboard.db-shm"]));
    for (const name of files) expect({ name, mode: mode(path.join(path.dirname(file), name)).toString(8) }).toEqual({ name, mode: "600" });
    expect(mode(path.dirname(file)).toString(8)).toBe("700");
    await db.$disconnect();
  });

  it("tightens a database folder and files an earlier version left readable to everyone", async () => {
    const dir = path.join(base, "old", "data");
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const file = path.join(dir, "cacheboard.db");
    await applyMigrations({ url: `file:${file}`, root });
    for (const name of ["cacheboard.db-wal", "cacheboard.db-shm"]) writeFileSync(path.join(dir, name), "", { flag: "a", mode: 0o644 });
    for (const name of readdirSync(dir)) chmodSync(path.join(dir, name), 0o644);
    chmodSync(dir, 0o755);

    const db = createDb(`file:${file}`);
    await db.user.count();
    for (const name of readdirSync(dir)) expect({ name, mode: mode(path.join(dir, name)).toString(8) }).toEqual({ name, mode: "600" });
    expect(mode(dir).toString(8)).toBe("700");
    await db.$disconnect();
  });

  it("leaves a folder that holds other things alone, but not the database's own files", async () => {
    const dir = path.join(base, "shared");
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(path.join(dir, "notes.txt"), "someone else's file");
    const file = path.join(dir, "cb.db");
    await applyMigrations({ url: `file:${file}`, root });
    expect(mode(dir).toString(8)).toBe("755");
    expect(mode(file).toString(8)).toBe("600");
  });
});
