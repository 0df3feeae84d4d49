/**
 * Export and import on real memcached and uWSGI servers: values, memcached client flags and TTLs survive a
 * round trip through the file (uWSGI's Python app reads its values back), and what pymemcache wrote across a
 * pool it reads back the same after one; a file from Redis previews into memcached with its collections not
 * importable and its too-big value counted as such.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";
import { pymemcache, startMemcached, type MemcachedCluster } from "../support/memcached";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { testRequest } from "../support/next-request";
import { keyLines, transferCalls } from "./transfer-support";

vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("transfer-mc");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "58".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { importKeys } = await import("@/lib/actions/transfer/import-keys");
const { previewImport } = await import("@/lib/actions/transfer/preview-import");
const { createProfile } = await import("@/lib/connections/store");
const { loadConnection } = await import("@/lib/connections/load");
const calls = await transferCalls();

const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");
const HOUR = 3_600_000;

describe("export and import on memcached and uWSGI", () => {
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;
  let userId = "";

  beforeAll(async () => {
    [memcached, uwsgi] = await Promise.all([startMemcached(2), startUwsgi([{ name: "web", items: 2000, keysize: 256, blocksize: 4096 }])]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const user = await db().user.create({ data: { email: "editor@example.test", passwordHash: "x", role: "editor" } });
    userId = user.id;
    await db().session.create({ data: { id: createHash("sha256").update("editor-token").digest("hex"), userId, expiresAt: new Date(Date.now() + HOUR) } });
    testRequest.cookie = "editor-token";
  });
  afterAll(async () => {
    await db().$disconnect();
    await memcached?.stop();
    await uwsgi?.stop();
    removeDir(dir);
  });

  const base = { secrets: {}, readOnly: false, environment: "development" as const, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [] };

  async function roundTrip(connectionId: string, prefix: string) {
    const exported = await calls.exportText(connectionId, { kind: "namespace", prefix: b64(prefix) });
    expect(exported.status).toBe(200);
    const driver = (await loadConnection(connectionId))!.driver();
    const lines = keyLines(exported.text);
    await driver.delete(lines.map((line) => Buffer.from(String(line.key), "base64")));
    const { body: upload } = await calls.upload(connectionId, exported.text);
    const started = await importKeys({ connectionId, uploadId: upload.uploadId, policy: "fail", ttl: { mode: "absolute" } });
    if (!started.ok) throw new Error(started.message);
    const job = await calls.finished(connectionId, started.data.jobId, userId);
    expect(job.status).toBe("done");
    return { driver, lines, counts: job.result!.counts };
  }

  it("memcached: values, client flags and TTLs come back", async () => {
    const { id } = await createProfile({ ...base, name: "mc", kind: "memcached", settings: { servers: memcached.addresses }, timeoutMs: 5000 });
    const pickled = Buffer.from("80044b2a2e", "hex");
    for (let i = 0; i < 30; i++) await memcached.rawSet(Buffer.from(`django:${i}`), i % 2 ? pickled : Buffer.from(String(i)), i % 3 ? HOUR : undefined, i % 2 ? 1 : 2);
    await memcached.rawSet(Buffer.from("django:bytes\u00ff"), Buffer.from([0, 1, 2, 255]), 2 * HOUR, 0);
    const driver = (await loadConnection(id))!.driver();
    const before = await driver.describe([...Array(30).keys()].map((i) => Buffer.from(`django:${i}`)));

    const { lines, counts } = await roundTrip(id, "django:");
    expect(lines).toHaveLength(31);
    expect(lines.find((line) => line.keyText === "django:1")).toMatchObject({ type: "string", flags: 1, value: { format: "pickle protocol 4", decoded: "42" } });
    expect(counts).toMatchObject({ total: 31, new: 31, written: 31 });

    for (let i = 0; i < 30; i++) {
      const read = await driver.read(Buffer.from(`django:${i}`));
      expect(read).toMatchObject({ type: "string", flags: i % 2 ? 1 : 2 });
      if (read.type === "string") expect(read.value.equals(i % 2 ? pickled : Buffer.from(String(i)))).toBe(true);
      if (i % 3) expect(Math.abs((read.ttlMs ?? 0) - (before[i].ttlMs ?? 0))).toBeLessThan(2500);
      else expect(read.ttlMs).toBeNull();
    }
    expect(await memcached.rawGet(Buffer.from("django:bytes\u00ff"))).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it("memcached: what pymemcache wrote across the pool, pymemcache reads back after the round trip", async () => {
    const { id } = await createProfile({ ...base, name: "mc-py", kind: "memcached", settings: { servers: memcached.addresses }, timeoutMs: 5000 });
    const kinds = ["text", "int", "pickle", "bytes"] as const;
    const items = Array.from({ length: 400 }, (_, i) => {
      const kind = kinds[i % 4];
      const key = i % 10 === 9 ? `py:ünï:${i}` : `py:${kind}:${i}`;
      const value = { text: `text ${i} ✓`, int: i * 1000, pickle: { id: i, tags: ["a", "b"], nested: { price: i / 4 } }, bytes: Buffer.from([i % 256, 0, 255]).toString("hex") }[kind];
      return { key, kind, value };
    });
    type Read = Record<string, { repr: string; type: string }>;
    const written = await pymemcache<Record<string, { flags: number }>>({ servers: memcached.addresses, op: "write", items });
    const keys = items.map((item) => item.key);
    const before = await pymemcache<Read>({ servers: memcached.addresses, op: "read", keys });
    expect(new Set(Object.values(before).map((read) => read.type))).toEqual(new Set(["str", "int", "dict", "bytes"]));

    const { lines, counts } = await roundTrip(id, "py:");
    expect(lines).toHaveLength(400);
    expect(counts).toMatchObject({ total: 400, new: 400, written: 400 });
    for (const line of lines) expect(line.flags, String(line.keyText)).toBe(written[String(line.keyText)].flags);
    expect(lines.find((line) => line.keyText === "py:pickle:2")).toMatchObject({ value: { decoded: expect.stringContaining("'tags': ['a', 'b']") } });

    const after = await pymemcache<Read>({ servers: memcached.addresses, op: "read", keys });
    expect(after).toEqual(before);
  });

  it("memcached: a file from Redis previews with its collections not importable and its big value too big", async () => {
    const { id } = await createProfile({ ...base, name: "mc-small", kind: "memcached", settings: { servers: memcached.addresses, maxItemBytes: 64 * 1024 }, timeoutMs: 5000 });
    const header = { format: "cacheboard-keys", version: 1, exportedAt: new Date().toISOString(), source: { kind: "redis", name: "r", version: "7.0.15" }, scope: { kind: "database", text: "the whole database" }, dump: false, total: 4 };
    const file = [
      header,
      { key: b64("from-redis:small"), type: "string", ttlMs: null, expiresAt: null, value: { base64: b64("v"), size: 1 } },
      { key: b64("from-redis:big"), type: "string", ttlMs: null, expiresAt: null, value: { base64: Buffer.alloc(100_000, 7).toString("base64"), size: 100_000 } },
      { key: b64("from-redis:hash"), type: "hash", ttlMs: null, expiresAt: null, value: { entries: [[b64("f"), b64("v")]] } },
      { key: b64("from-redis:expired"), type: "string", ttlMs: 10, expiresAt: Date.now() - 60_000, value: { base64: b64("old"), size: 3 } },
      { not: "a key" },
      { format: "cacheboard-keys", end: true, keys: 4 },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n");
    const { body: upload } = await calls.upload(id, `${file}\n`);
    expect(upload).toMatchObject({ lines: 5, complete: true });
    const started = await previewImport({ connectionId: id, uploadId: upload.uploadId, policy: "skip", ttl: { mode: "absolute" } });
    if (!started.ok) throw new Error(started.message);
    const job = await calls.finished(id, started.data.jobId, userId);
    expect(job.result?.counts).toMatchObject({ total: 5, new: 1, tooBig: 1, invalid: 3, written: 0 });
  });

  it("uWSGI: values and TTLs come back", { timeout: 120_000 }, async () => {
    const { id } = await createProfile({
      ...base,
      name: "uw",
      kind: "uwsgi",
      settings: { address: uwsgi.address, statsAddress: uwsgi.statsAddress, caches: [{ name: "web", keysize: 256, blocksize: 4096 }] },
      timeoutMs: UWSGI_TEST_TIMEOUT_MS,
    });
    const driver = (await loadConnection(id))!.driver();
    for (let i = 0; i < 20; i++) await driver.write(Buffer.from(`web:fragment:${i}`), Buffer.alloc(100 + i, i), { ttlMs: i % 2 ? 2 * HOUR : null });
    const { lines, counts } = await roundTrip(id, "web:fragment:");
    expect(lines).toHaveLength(20);
    expect(counts).toMatchObject({ total: 20, new: 20, written: 20 });
    for (let i = 0; i < 20; i++) {
      const read = await driver.read(Buffer.from(`web:fragment:${i}`));
      if (read.type !== "string") throw new Error("not a string");
      expect(read.value.equals(Buffer.alloc(100 + i, i))).toBe(true);
      if (i % 2) expect(Math.abs((read.ttlMs ?? 0) - 2 * HOUR)).toBeLessThan(60_000);
      else expect(read.ttlMs).toBeNull();
      // The Python app inside uWSGI reads it back through its own cache API.
      const fromApp = await uwsgi.app({ op: "get", cache: "web", key: Buffer.from(`fragment:${i}`) });
      expect(fromApp.value?.equals(Buffer.alloc(100 + i, i)), `fragment:${i} from the app`).toBe(true);
    }
  });
});
