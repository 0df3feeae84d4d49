/**
 * Every change is audited before it reaches the cache, through the real action wrapper, database and Redis:
 * the intent is written first and completed after; with the database locked nothing is changed and the
 * answer is DATABASE_UNAVAILABLE; a namespace job's entry is running with its count while it works; and on
 * a production connection the server refuses destructive actions without the typed confirmation.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("audited");
const file = path.join(dir, "cb.db");
process.env.DATABASE_URL = `file:${file}`;
process.env.CACHEBOARD_SECRET_KEY = "55".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { defineAction } = await import("@/lib/actions/define-action");
const { createKey } = await import("@/lib/actions/keys/create-key");
const { deleteKey } = await import("@/lib/actions/keys/delete-key");
const { deleteKeys } = await import("@/lib/actions/keys/delete-keys");
const { setTtl } = await import("@/lib/actions/keys/set-ttl");
const { deleteNamespace } = await import("@/lib/actions/namespaces/delete-namespace");
const { expireNamespace } = await import("@/lib/actions/namespaces/expire-namespace");
const { signIn } = await import("@/lib/actions/auth/sign-in");
const { withUser } = await import("@/lib/auth/guard");
const { createProfile } = await import("@/lib/connections/store");

const b64 = (text: string) => Buffer.from(text).toString("base64");
const lastEntry = () => db().auditEntry.findFirstOrThrow({ orderBy: { id: "desc" } });
const detailOf = (entry: { detail: string | null }) => JSON.parse(entry.detail ?? "{}") as Record<string, unknown>;

/** Holds SQLite's write lock from a second connection, as a backup tool or a stuck process would. */
async function whileLocked<T>(work: () => Promise<T>): Promise<T> {
  const lock = new Database(file);
  lock.exec("BEGIN EXCLUSIVE");
  try {
    return await work();
  } finally {
    lock.exec("ROLLBACK");
    lock.close();
  }
}

async function until<T>(probe: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const found = await probe();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe("audited changes", () => {
  let redis: RedisServer;
  let devId = "";
  let prodId = "";
  let sessionId = "";

  beforeAll(async () => {
    redis = await startRedis();
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const base = { secrets: {}, readOnly: false, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], timeoutMs: 3000 };
    const settings = { host: "127.0.0.1", port: redis.port, db: 0 };
    devId = (await createProfile({ ...base, environment: "development", name: "dev", kind: "redis", settings })).id;
    prodId = (await createProfile({ ...base, environment: "production", name: "prod", kind: "redis", settings })).id;
    const user = await db().user.create({ data: { email: "editor@example.test", passwordHash: "x", role: "editor" } });
    const token = "editor-token";
    sessionId = createHash("sha256").update(token).digest("hex");
    await db().session.create({ data: { id: sessionId, userId: user.id, expiresAt: new Date(Date.now() + 600_000) } });
    request.cookie = token;
  });
  afterAll(async () => {
    await db().$disconnect();
    await redis?.stop();
    removeDir(dir);
  });

  describe("the audit intent", () => {
    it("is written as pending before the change and completed after it", async () => {
      const seenDuringRun: { status: string; outcome: string; key: string | null }[] = [];
      const probe = defineAction({
        name: "test.probe",
        input: z.object({ connectionId: z.string(), key: z.string() }),
        permission: "keys.write",
        audited: true,
        connection: "write",
        run: async ({ key }, ctx) => {
          const entry = await lastEntry();
          seenDuringRun.push({ status: entry.status, outcome: entry.outcome, key: entry.targetKey && Buffer.from(entry.targetKey).toString() });
          await ctx.connection.driver().write(Buffer.from(key), Buffer.from("v"));
        },
      });
      expect(await probe({ connectionId: devId, key: "probe:1" })).toMatchObject({ ok: true });
      expect(seenDuringRun).toEqual([{ status: "pending", outcome: "pending", key: null }]);
      expect(await lastEntry()).toMatchObject({ action: "test.probe", status: "done", outcome: "ok" });

      expect(await createKey({ connectionId: devId, key: b64("intent:created"), content: { type: "string", value: b64("x") }, ttlMs: null })).toMatchObject({ ok: true });
      const created = await lastEntry();
      expect(created).toMatchObject({ action: "keys.create", status: "done", outcome: "ok" });
      expect(Buffer.from(created.targetKey!).toString()).toBe("intent:created");
    });

    it("stops the change with DATABASE_UNAVAILABLE when the database cannot take it", async () => {
      const before = await db().auditEntry.count();
      const result = await whileLocked(() =>
        createKey({ connectionId: devId, key: b64("locked:created"), content: { type: "string", value: b64("x") }, ttlMs: null }),
      );
      expect(result).toMatchObject({ ok: false, code: "DATABASE_UNAVAILABLE" });
      expect(await redis.raw().exists("locked:created")).toBe(0);
      expect(await db().auditEntry.count()).toBe(before);
    });

    it("answers DATABASE_UNAVAILABLE to a sign-in and to an API call while the database is locked", async () => {
      const signInResult = await whileLocked(() => signIn({ email: "nobody@example.test", password: "wrong" }));
      expect(signInResult).toMatchObject({ ok: false, code: "DATABASE_UNAVAILABLE" });

      // A session last seen long ago is refreshed on its next use: a write the lock refuses.
      await db().session.update({ where: { id: sessionId }, data: { lastSeenAt: new Date(Date.now() - 2 * 3600_000) } });
      const route = withUser("session.read", async () => Response.json({ ok: true }));
      const response = await whileLocked(() => route());
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: "DATABASE_UNAVAILABLE" });
    });
  });

  describe("a namespace job", () => {
    it("starts its entry when it starts and writes its count while it runs", async () => {
      const raw = redis.raw();
      const total = 150_000;
      for (let start = 0; start < total; start += 10_000) {
        const pipeline = raw.pipeline();
        for (let i = start; i < start + 10_000; i++) pipeline.set(`bulk:${i}`, "x");
        await pipeline.exec();
      }
      const started = await deleteNamespace({ connectionId: devId, prefix: b64("bulk:") });
      expect(started).toMatchObject({ ok: true });
      const running = await until(async () => {
        const entry = await lastEntry();
        return entry.action === "namespaces.delete" && entry.status === "running" && Number(detailOf(entry).count) > 0 && entry;
      }, "a running entry with a count");
      // What a crash at this moment would leave behind: the entry, how far it got, and no outcome yet.
      expect(running.outcome).toBe("pending");
      expect(detailOf(running)).toMatchObject({ prefix: "bulk:", cancelled: false });
      expect(Number(detailOf(running).count)).toBeLessThan(total);

      const done = await until(async () => {
        const entry = await db().auditEntry.findUniqueOrThrow({ where: { id: running.id } });
        return entry.status === "done" && entry;
      }, "the job to finish");
      expect(done.outcome).toBe("ok");
      // Every key deleted, counted once (UNLINK's own count); `matched` counts what SCAN returned, and SCAN may
      // return a key twice while Redis shrinks its table under the deletes.
      expect(detailOf(done)).toMatchObject({ count: total });
      expect(Number(detailOf(done).matched)).toBeGreaterThanOrEqual(total);
      expect(Number(detailOf(done).matched)).toBeLessThan(total * 1.01);
      expect(await db().auditEntry.count({ where: { action: "namespaces.delete" } })).toBe(1);
    });

    it("takes a Litestar store's child stores along when asked, and refuses any other prefix", async () => {
      const raw = redis.raw();
      await raw.mset("LITESTAR:a", "1", "LITESTAR_sessions:s", "2", "LITESTARX:k", "3");
      const refused = await deleteNamespace({ connectionId: devId, prefix: b64("LITESTAR:"), alsoPrefixes: [b64("LITESTARX:")] });
      expect(refused).toMatchObject({ ok: false, code: "INVALID_ARGUMENT" });
      expect(await raw.exists("LITESTAR:a", "LITESTAR_sessions:s", "LITESTARX:k")).toBe(3);

      expect(await deleteNamespace({ connectionId: devId, prefix: b64("LITESTAR:"), alsoPrefixes: [b64("LITESTAR_sessions:")] })).toMatchObject({ ok: true });
      const done = await until(async () => {
        const entry = await lastEntry();
        return entry.action === "namespaces.delete" && entry.status === "done" && entry;
      }, "the job to finish");
      expect(detailOf(done)).toMatchObject({ prefix: "LITESTAR:", count: 2, alsoPrefixes: ["LITESTAR_sessions:"] });
      expect(await raw.exists("LITESTAR:a", "LITESTAR_sessions:s", "LITESTARX:k")).toBe(1);
    });
  });

  describe("on a production connection", () => {
    it("refuses destructive actions without the typed confirmation and changes nothing", async () => {
      const raw = redis.raw();
      await raw.mset("prod:a", "1", "prod:b", "2", "prod:ns:1", "3");
      const refusals = [
        await deleteKey({ connectionId: prodId, key: b64("prod:a") }),
        await deleteKey({ connectionId: prodId, key: b64("prod:a"), confirm: "prod:b" }),
        await deleteKeys({ connectionId: prodId, keys: [b64("prod:a"), b64("prod:b")], confirm: "1" }),
        await setTtl({ connectionId: prodId, key: b64("prod:a"), ttlMs: 1 }),
        await deleteNamespace({ connectionId: prodId, prefix: b64("prod:ns:") }),
        await expireNamespace({ connectionId: prodId, prefix: b64("prod:ns:"), ttlMs: 1 }),
      ];
      for (const result of refusals) expect(result).toMatchObject({ ok: false, code: "CONFIRMATION_REQUIRED" });
      expect(await raw.exists("prod:a", "prod:b", "prod:ns:1")).toBe(3);
      expect(await raw.pttl("prod:a")).toBe(-1);
      expect(await lastEntry()).toMatchObject({ connectionName: "prod", outcome: "error", errorCode: "CONFIRMATION_REQUIRED", status: "done" });

      expect(await setTtl({ connectionId: prodId, key: b64("prod:a"), ttlMs: 60_000 })).toMatchObject({ ok: true });
      expect(await deleteKey({ connectionId: prodId, key: b64("prod:a"), confirm: "prod:a" })).toMatchObject({ ok: true });
      expect(await deleteKeys({ connectionId: prodId, keys: [b64("prod:b")], confirm: "prod:b" })).toMatchObject({ ok: true });
      expect(await deleteNamespace({ connectionId: prodId, prefix: b64("prod:ns:"), confirm: "prod:ns:" })).toMatchObject({ ok: true });
      await until(async () => (await raw.exists("prod:a", "prod:b", "prod:ns:1")) === 0, "the confirmed deletes");
    });

    it("asks nothing extra on other connections", async () => {
      await redis.raw().set("dev:a", "1");
      expect(await deleteKey({ connectionId: devId, key: b64("dev:a") })).toMatchObject({ ok: true, data: { removed: 1 } });
    });
  });
});
