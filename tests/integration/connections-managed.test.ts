/** The declared-connections file applied twice is applied once; edits, removals and bad files behave. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";

const dir = tempDir("managed");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "55".repeat(32);

const { db } = await import("@/lib/db");
const { applyManagedConnections } = await import("@/lib/connections/managed");
const { openSecrets } = await import("@/lib/secrets");

const file = path.join(dir, "connections.json");
const env = (extra: Record<string, string> = {}) => ({ CACHEBOARD_CONNECTIONS_FILE: file, CACHE_PW: "pw-1", ...extra });

describe("applyManagedConnections", () => {
  beforeAll(async () => {
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
  });
  afterAll(async () => {
    await db().$disconnect();
    removeDir(dir);
  });

  it("does nothing without a declaration", async () => {
    expect(await applyManagedConnections({})).toBeNull();
  });

  it("creates, then leaves unchanged, then updates, then releases", async () => {
    writeFileSync(
      file,
      JSON.stringify([
        { name: "a", kind: "redis", settings: { host: "10.0.0.1", port: 6379 }, secretsFromEnv: { password: "CACHE_PW" } },
        { name: "b", kind: "memcached", settings: { servers: ["10.0.0.2:11211"] } },
      ]),
    );
    expect(await applyManagedConnections(env())).toMatchObject({ created: ["a", "b"], updated: [], unchanged: [] });
    const a = await db().connectionProfile.findUniqueOrThrow({ where: { name: "a" } });
    expect(a.managed).toBe(true);
    expect(openSecrets(a.secret)).toEqual({ password: "pw-1" });

    expect(await applyManagedConnections(env())).toMatchObject({ created: [], updated: [], unchanged: ["a", "b"] });
    expect((await db().connectionProfile.findUniqueOrThrow({ where: { name: "a" } })).updatedAt).toEqual(a.updatedAt);
    expect(await db().auditEntry.count({ where: { action: "connections.apply-declared" } })).toBe(1);

    expect(await applyManagedConnections(env({ CACHE_PW: "pw-2" }))).toMatchObject({ updated: ["a"], unchanged: ["b"] });
    expect(openSecrets((await db().connectionProfile.findUniqueOrThrow({ where: { name: "a" } })).secret)).toEqual({ password: "pw-2" });

    writeFileSync(file, "connections:\n  - name: a\n    kind: redis\n    settings: { host: 10.0.0.1, port: 6379 }\n");
    expect(await applyManagedConnections(env())).toMatchObject({ updated: ["a"], released: ["b"] });
    expect(openSecrets((await db().connectionProfile.findUniqueOrThrow({ where: { name: "a" } })).secret)).toEqual({});
    expect((await db().connectionProfile.findUniqueOrThrow({ where: { name: "b" } })).managed).toBe(false);
  });

  it("takes a declared scan pace from YAML, applies it once, and refuses one out of range", async () => {
    const yaml = (count: number) => `connections:\n  - name: paced\n    kind: redis\n    environment: production\n    settings: { host: 10.0.0.3, port: 6379 }\n    scanCount: ${count}\n    scanPauseMs: 20\n`;
    writeFileSync(file, yaml(200));
    expect(await applyManagedConnections(env())).toMatchObject({ created: ["paced"] });
    const row = await db().connectionProfile.findUniqueOrThrow({ where: { name: "paced" } });
    expect([row.scanCount, row.scanPauseMs]).toEqual([200, 20]);
    expect(await applyManagedConnections(env())).toMatchObject({ unchanged: ["paced"] });
    writeFileSync(file, yaml(300));
    expect(await applyManagedConnections(env())).toMatchObject({ updated: ["paced"] });
    expect((await db().connectionProfile.findUniqueOrThrow({ where: { name: "paced" } })).scanCount).toBe(300);
    writeFileSync(file, yaml(5));
    await expect(applyManagedConnections(env())).rejects.toThrow(/\(paced\) is not valid: scanCount: Keys per SCAN call: at least 10/);
  });

  it("fails loudly on an invalid declaration", async () => {
    writeFileSync(file, JSON.stringify([{ name: "c", kind: "redis", settings: { port: 99999 } }]));
    await expect(applyManagedConnections(env())).rejects.toThrow(/connection 1 \(c\) is not valid: settings: Port: use at most 65535/);
    writeFileSync(file, JSON.stringify([{ name: "d", kind: "redis", settings: {}, secretsFromEnv: { password: "MISSING_VAR" } }]));
    await expect(applyManagedConnections(env())).rejects.toThrow(/\$MISSING_VAR, which is not set/);
  });
});
