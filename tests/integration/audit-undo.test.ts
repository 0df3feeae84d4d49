/**
 * Undo against real servers, through the real actions and database: a string edit and a TTL change on Redis,
 * a deleted hash restored with all fields and its TTL, conflicts after an outside change (and `force`), the
 * size cap, and memcached's raw values with flags.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { startRedis, type RedisServer } from "../support/redis";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("undo");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "44".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { writeValue } = await import("@/lib/actions/keys/write-value");
const { setTtl } = await import("@/lib/actions/keys/set-ttl");
const { undoAuditEntry } = await import("@/lib/actions/audit/undo-audit-entry");
const { presentEntry } = await import("@/lib/audit/present");
const { valueDigest } = await import("@/lib/drivers/digest");
const { createProfile } = await import("@/lib/connections/store");
const { loadConnection } = await import("@/lib/connections/load");

const { deleteKey: deleteKeyAction } = await import("@/lib/actions/keys/delete-key");

/** The key pane's delete action, called with a text key. */
const deleteKey = ({ connectionId, key }: { connectionId: string; key: string }) =>
  deleteKeyAction({ connectionId, key: Buffer.from(key).toString("base64") });

async function signIn(role: string) {
  const user = await db().user.create({ data: { email: `${role}@example.test`, passwordHash: "x", role } });
  const token = `${role}-token`;
  await db().session.create({ data: { id: createHash("sha256").update(token).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 600_000) } });
  request.cookie = token;
}

const lastEntry = () => db().auditEntry.findFirstOrThrow({ orderBy: { id: "desc" } });
const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("undo", () => {
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let redisId = "";
  let memcachedId = "";

  beforeAll(async () => {
    [redis, memcached] = await Promise.all([startRedis(), startMemcached(1)]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const base = { secrets: {}, readOnly: false, environment: "development" as const, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], timeoutMs: 3000 };
    redisId = (await createProfile({ ...base, name: "redis", kind: "redis", settings: { host: "127.0.0.1", port: redis.port, db: 0 } })).id;
    memcachedId = (await createProfile({ ...base, name: "memcached", kind: "memcached", settings: { servers: memcached.addresses, maxItemBytes: 1048576 } })).id;
    await signIn("editor");
  });
  afterAll(async () => {
    await db().$disconnect();
    await Promise.all([redis?.stop(), memcached?.stop()]);
    removeDir(dir);
  });

  it("restores an edited Redis string with its TTL, then reports a conflict after an outside change", async () => {
    const raw = redis.raw();
    await raw.set("greeting", '{"text": "hello"}', "PX", 600_000);
    const result = await writeValue({ connectionId: redisId, key: b64("greeting"), value: b64('{"text": "bye"}'), expect: valueDigest(Buffer.from('{"text": "hello"}')) });
    expect(result).toMatchObject({ ok: true });
    const edit = await lastEntry();
    expect(edit.action).toBe("keys.write-value");

    const view = presentEntry(edit);
    // Decoded as the key browser shows JSON: in Python notation, with the codec's label.
    expect(view.before?.lines).toEqual(["{'text': 'hello'}"]);
    expect(view.after?.lines).toEqual(["{'text': 'bye'}"]);
    expect(view.before?.format).toMatch(/JSON/);
    expect(view.diff).toEqual([
      { kind: "removed", text: "{'text': 'hello'}" },
      { kind: "added", text: "{'text': 'bye'}" },
    ]);
    expect(view.undo.possible).toBe(true);

    await raw.persist("greeting");
    await raw.pexpire("greeting", 600_000);
    expect(await undoAuditEntry({ connectionId: redisId, entryId: edit.id })).toEqual({ ok: true, data: { restored: "value" } });
    expect(await raw.get("greeting")).toBe('{"text": "hello"}');
    expect(await raw.pttl("greeting")).toBeGreaterThan(590_000);
    const undo = await lastEntry();
    expect(undo).toMatchObject({ action: "audit.undo", undoOfId: edit.id, outcome: "ok" });

    await raw.set("greeting", "changed outside", "KEEPTTL");
    const conflict = await undoAuditEntry({ connectionId: redisId, entryId: edit.id });
    expect(conflict).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await raw.get("greeting")).toBe("changed outside");
    expect(await lastEntry()).toMatchObject({ action: "audit.undo", outcome: "error", errorCode: "CONFLICT" });

    expect(await undoAuditEntry({ connectionId: redisId, entryId: edit.id, force: true })).toMatchObject({ ok: true });
    expect(await raw.get("greeting")).toBe('{"text": "hello"}');
  });

  it("undoes a TTL change", async () => {
    const raw = redis.raw();
    await raw.set("session", "s");
    expect(await setTtl({ connectionId: redisId, key: b64("session"), ttlMs: 5000 })).toMatchObject({ ok: true });
    const change = await lastEntry();
    expect(await raw.pttl("session")).toBeGreaterThan(0);
    expect(await undoAuditEntry({ connectionId: redisId, entryId: change.id })).toMatchObject({ ok: true });
    expect(await raw.pttl("session")).toBe(-1);
  });

  it("brings back a deleted hash with every field and the TTL", async () => {
    const raw = redis.raw();
    const fields = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`field${i}`, `value ${i}`]));
    await raw.hset("user:42", fields);
    await raw.pexpire("user:42", 3_600_000);
    expect(await deleteKey({ connectionId: redisId, key: "user:42" })).toMatchObject({ ok: true });
    expect(await raw.exists("user:42")).toBe(0);
    const deletion = await lastEntry();
    const view = presentEntry(deletion);
    expect(view.before?.type).toBe("hash");
    expect(view.before?.lines).toContain("field7: value 7");
    expect(view.after?.exists).toBe(false);

    expect(await undoAuditEntry({ connectionId: redisId, entryId: deletion.id })).toMatchObject({ ok: true });
    expect(await raw.hgetall("user:42")).toEqual(fields);
    expect(await raw.pttl("user:42")).toBeGreaterThan(3_590_000);
  });

  it("undoing a creation deletes the key again", async () => {
    const raw = redis.raw();
    expect(await writeValue({ connectionId: redisId, key: b64("fresh"), value: b64("new"), expect: "absent" })).toMatchObject({ ok: true });
    const creation = await lastEntry();
    expect(await undoAuditEntry({ connectionId: redisId, entryId: creation.id })).toEqual({ ok: true, data: { restored: "deleted" } });
    expect(await raw.exists("fresh")).toBe(0);
  });

  it("says it cannot restore a value above the snapshot cap", async () => {
    process.env.CACHEBOARD_AUDIT_SNAPSHOT_MAX_BYTES = "64";
    try {
      await redis.raw().set("big", "x".repeat(500));
      expect(await deleteKey({ connectionId: redisId, key: "big" })).toMatchObject({ ok: true });
      const deletion = await lastEntry();
      expect(deletion.beforeValue).toBeNull();
      expect(deletion.beforeDigest).toBe(valueDigest(Buffer.from("x".repeat(500))));
      expect(presentEntry(deletion).undo).toMatchObject({ possible: false, reason: expect.stringMatching(/size cap/) });
      expect(await undoAuditEntry({ connectionId: redisId, entryId: deletion.id })).toMatchObject({ ok: false, code: "TRUNCATED" });
    } finally {
      delete process.env.CACHEBOARD_AUDIT_SNAPSHOT_MAX_BYTES;
    }
  });

  it("restores memcached values with their flags and TTL", async () => {
    await memcached.rawSet(Buffer.from("django:1:page"), Buffer.from("cached page"), 600_000, 16);
    expect(await deleteKey({ connectionId: memcachedId, key: "django:1:page" })).toMatchObject({ ok: true });
    const deletion = await lastEntry();
    expect(presentEntry(deletion).before?.lines).toEqual(["cached page"]);
    expect(await undoAuditEntry({ connectionId: memcachedId, entryId: deletion.id })).toMatchObject({ ok: true });
    expect((await memcached.rawGet(Buffer.from("django:1:page")))?.toString()).toBe("cached page");
    const [meta] = await (await loadConnection(memcachedId))!.driver().describe([Buffer.from("django:1:page")]);
    expect(meta).toMatchObject({ exists: true, flags: 16 });
    expect(meta.ttlMs).toBeGreaterThan(500_000);
  });

  it("refuses entries of another connection and viewers", async () => {
    const edit = await db().auditEntry.findFirstOrThrow({ where: { action: "keys.write-value" } });
    expect(await undoAuditEntry({ connectionId: memcachedId, entryId: edit.id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    await signIn("viewer");
    expect(await undoAuditEntry({ connectionId: redisId, entryId: edit.id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });
});
