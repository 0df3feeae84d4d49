/**
 * Export and import on a real Redis, through the real routes, actions, jobs and database: 100,000 mixed keys
 * written by redis-py (text, pickles, msgpack, JSON, hashes, lists, sets, sorted sets, a stream, binary keys,
 * TTLs) exported, deleted and imported back identical (DUMP bytes, TTLs within a second), then every value
 * read back by the Python libraries; the dry run's counts, the three policies, a prefix rewrite, the one audit
 * entry, a streamed export a cancelled download stops, a cancelled import, and the refusals (viewer,
 * read-only, production without the typed name).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { ExportHeader, ImportCounts } from "@/lib/wire/transfer";
import { debianPython, removeDir, tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { testRequest } from "../support/next-request";
import { keyLines, transferCalls } from "./transfer-support";

vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("transfer");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "57".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { importKeys } = await import("@/lib/actions/transfer/import-keys");
const { previewImport } = await import("@/lib/actions/transfer/preview-import");
const { createProfile } = await import("@/lib/connections/store");
const { presentEntry } = await import("@/lib/audit/present");
const calls = await transferCalls();

/** 100,000 keys the way Python apps write them. */
const SEED = `
import sys, json, pickle, msgpack, redis
r = redis.Redis(port=int(sys.argv[1]))
p = r.pipeline(transaction=False)
n = 0
def flush():
    global p
    p.execute()
    p = r.pipeline(transaction=False)
for i in range(40000): p.set(f"app:text:{i}", f"value {i}")
flush()
for i in range(15000): p.set(f"app:pickle:{i}", pickle.dumps({"id": i, "tags": ["a", "b"], "price": i * 1.5}, protocol=5))
flush()
for i in range(15000): p.set(f"app:msgpack:{i}", msgpack.packb({"id": i, "ok": True, "items": [1, 2, i]}))
flush()
for i in range(10000): p.set(f"app:json:{i}", json.dumps({"id": i}), ex=3600 + i)
flush()
for i in range(10000): p.set(b"bin:\\xff\\x00" + i.to_bytes(4, "big"), bytes([i % 256]) * (i % 50 + 1), px=7200000)
flush()
for i in range(3000): p.hset(f"col:hash:{i}", mapping={"name": f"n{i}", "pickled": pickle.dumps([i, i], protocol=4)})
flush()
for i in range(2000): p.rpush(f"col:list:{i}", *[f"item-{i}-{j}" for j in range(5)])
for i in range(2000): p.sadd(f"col:set:{i}", *[f"m{j}" for j in range(4)])
for i in range(2996): p.zadd(f"col:zset:{i}", {"a": 1, "b": 2.5, "c": float("inf")})
flush()
p.hset("big:hash", mapping={f"field{j}": "v" * 20 for j in range(5000)})
p.rpush("big:list", *[f"x{j}" for j in range(3000)])
p.set("big:string", b"0123456789abcdef" * (400 * 1024), ex=86400)
for j in range(100): p.xadd("events:stream", {"n": str(j), "blob": pickle.dumps({"j": j})}, id=f"{1000 + j}-0")
flush()
print(r.dbsize())
`;

/**
 * The Python libraries read back every value they wrote, after the round trip: redis-py reads each key, and
 * pickle, msgpack and json decode what they encoded. Prints how many keys were checked and the first wrong ones.
 */
const READ_BACK = `
import sys, json, pickle, msgpack, redis
r = redis.Redis(port=int(sys.argv[1]))
checked, wrong = 0, []
def family(keys, read, want):
    global checked
    keys = list(keys)
    for start in range(0, len(keys), 5000):
        p = r.pipeline(transaction=False)
        for key in keys[start:start + 5000]: read(p, key)
        for i, got in enumerate(p.execute(), start):
            checked += 1
            try:
                ok = want(i, got)
            except Exception as error:
                ok = False
            if not ok and len(wrong) < 10: wrong.append(repr(keys[i]))
family((f"app:text:{i}" for i in range(40000)), lambda p, k: p.get(k), lambda i, v: v == f"value {i}".encode())
family((f"app:pickle:{i}" for i in range(15000)), lambda p, k: p.get(k), lambda i, v: pickle.loads(v) == {"id": i, "tags": ["a", "b"], "price": i * 1.5})
family((f"app:msgpack:{i}" for i in range(15000)), lambda p, k: p.get(k), lambda i, v: msgpack.unpackb(v) == {"id": i, "ok": True, "items": [1, 2, i]})
family((f"app:json:{i}" for i in range(10000)), lambda p, k: p.get(k), lambda i, v: json.loads(v) == {"id": i})
family((b"bin:\\xff\\x00" + i.to_bytes(4, "big") for i in range(10000)), lambda p, k: p.get(k), lambda i, v: v == bytes([i % 256]) * (i % 50 + 1))
family((f"col:hash:{i}" for i in range(3000)), lambda p, k: p.hgetall(k), lambda i, v: v[b"name"] == f"n{i}".encode() and pickle.loads(v[b"pickled"]) == [i, i] and len(v) == 2)
family((f"col:list:{i}" for i in range(2000)), lambda p, k: p.lrange(k, 0, -1), lambda i, v: v == [f"item-{i}-{j}".encode() for j in range(5)])
family((f"col:set:{i}" for i in range(2000)), lambda p, k: p.smembers(k), lambda i, v: v == {f"m{j}".encode() for j in range(4)})
family((f"col:zset:{i}" for i in range(2996)), lambda p, k: p.zrange(k, 0, -1, withscores=True), lambda i, v: v == [(b"a", 1.0), (b"b", 2.5), (b"c", float("inf"))])
family(["big:hash"], lambda p, k: p.hgetall(k), lambda i, v: v == {f"field{j}".encode(): b"v" * 20 for j in range(5000)})
family(["big:list"], lambda p, k: p.lrange(k, 0, -1), lambda i, v: v == [f"x{j}".encode() for j in range(3000)])
family(["big:string"], lambda p, k: p.get(k), lambda i, v: v == b"0123456789abcdef" * (400 * 1024))
family(["events:stream"], lambda p, k: p.xrange(k), lambda i, v: [(e[0], e[1][b"n"], pickle.loads(e[1][b"blob"])) for e in v] == [(f"{1000 + j}-0".encode(), str(j).encode(), {"j": j}) for j in range(100)])
print(json.dumps({"checked": checked, "wrong": wrong}))
`;

const python = (script: string, port: number) => execFileSync(debianPython(), ["-c", script, String(port)], { encoding: "utf8", maxBuffer: 1 << 26 }).trim();

describe("export and import on Redis", () => {
  let redis: RedisServer;
  let devId = "";
  let readOnlyId = "";
  let prodId = "";
  const users: Record<string, { id: string; token: string }> = {};

  beforeAll(async () => {
    redis = await startRedis();
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    const base = { secrets: {}, color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], timeoutMs: 10_000, kind: "redis" as const };
    const settings = { host: "127.0.0.1", port: redis.port, db: 0 };
    devId = (await createProfile({ ...base, readOnly: false, environment: "development", name: "dev", settings })).id;
    readOnlyId = (await createProfile({ ...base, readOnly: true, environment: "development", name: "ro", settings })).id;
    prodId = (await createProfile({ ...base, readOnly: false, environment: "production", name: "prod", settings: { ...settings, db: 1 } })).id;
    for (const role of ["viewer", "editor"]) {
      const user = await db().user.create({ data: { email: `${role}@example.test`, passwordHash: "x", role } });
      const token = `${role}-token`;
      await db().session.create({ data: { id: createHash("sha256").update(token).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
      users[role] = { id: user.id, token };
    }
  });
  afterAll(async () => {
    await db().$disconnect();
    await redis?.stop();
    removeDir(dir);
  });

  const as = (role: string) => (testRequest.cookie = users[role].token);
  const run = async (connectionId: string, jobId: string) => calls.finished(connectionId, jobId, users.editor.id);
  const importOptions = { policy: "skip" as const, ttl: { mode: "absolute" as const } };

  it("exports 100,000 mixed keys, imports them back identical after deleting them, and Python reads them", { timeout: 900_000 }, async () => {
    expect(Number(python(SEED, redis.port))).toBe(100_000);
    const raw = redis.raw();
    const keys: Buffer[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await raw.scanBuffer(cursor, "COUNT", 5000);
      cursor = next.toString();
      keys.push(...batch);
    } while (cursor !== "0");
    const snapshot = async () => {
      const pipeline = raw.pipeline();
      // PEXPIRETIME: the moment of expiry, which an import keeping expiry moments restores.
      for (const key of keys) pipeline.dumpBuffer(key).call("PEXPIRETIME", key);
      const replies = (await pipeline.exec())!.map(([error, reply]) => (error ? null : reply));
      return keys.map((_, i) => ({ dump: replies[2 * i] as Buffer | null, expiresAt: Number(replies[2 * i + 1]) }));
    };
    const before = await snapshot();

    as("viewer");
    const exported = await calls.exportText(devId, { kind: "database" });
    expect(exported.status).toBe(200);
    const lines = exported.text.split("\n").filter(Boolean);
    const header = JSON.parse(lines[0]) as ExportHeader;
    expect(header).toMatchObject({ format: "cacheboard-keys", version: 1, source: { kind: "redis", name: "dev" }, dump: true, total: 100_000 });
    expect(JSON.parse(lines[lines.length - 1])).toEqual({ format: "cacheboard-keys", end: true, keys: 100_000 });
    expect(lines).toHaveLength(100_002);
    const line = (keyText: string) => JSON.parse(lines.find((l) => l.includes(`"keyText":"${keyText}"`))!) as { type: string; ttlMs: number | null; value: { base64?: string }; dump?: string };
    const pickled = line("app:pickle:7");
    // Decoded for reading, and the raw bytes always beside it.
    expect(pickled.value).toMatchObject({ format: "pickle protocol 5", decoded: expect.stringContaining("'tags': ['a', 'b']") });
    expect(Buffer.from(pickled.value.base64!, "base64").equals((await raw.getBuffer("app:pickle:7"))!)).toBe(true);
    expect(pickled.dump).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(line("app:json:9")).toMatchObject({ type: "string", ttlMs: expect.any(Number) });
    expect(Math.abs(line("app:json:9").ttlMs! - 3_609_000)).toBeLessThan(60_000);
    expect(line("app:text:9").ttlMs).toBeNull();
    expect(new Set(lines.slice(1, -1).map((l) => (JSON.parse(l) as { type: string }).type))).toEqual(new Set(["string", "hash", "list", "set", "zset", "stream"]));

    await raw.flushdb();
    as("editor");
    const uploaded = await calls.upload(devId, exported.text);
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({ lines: 100_000, complete: true, header: { dump: true } });
    const started = await importKeys({ connectionId: devId, uploadId: uploaded.body.uploadId, ...importOptions });
    if (!started.ok) throw new Error(started.message);
    const job = await run(devId, started.data.jobId);
    expect(job.status).toBe("done");
    expect(job.result?.counts).toMatchObject({ total: 100_000, new: 100_000, written: 100_000, conflicting: 0, tooBig: 0, invalid: 0 });

    const after = await snapshot();
    // A hash or set in a hash table dumps its elements in table order, which depends on the table's history:
    // restored, the same elements come out in another order. Those must hold the same elements; every other
    // key's DUMP must be byte for byte the one before.
    const differing = keys.map((key, i) => ({ key, i })).filter(({ i }) => !before[i].dump!.equals(after[i].dump ?? Buffer.alloc(0)));
    for (const { key, i } of differing) {
      expect([key.toString("latin1"), await raw.object("ENCODING", key)]).toEqual([key.toString("latin1"), "hashtable"]);
      await raw.restore("check:before", 0, before[i].dump!, "REPLACE");
      const contents = async (k: Buffer | string) =>
        (await raw.type(k)) === "hash" ? Object.entries(await raw.hgetall(k)).sort() : (await raw.smembers(k)).sort();
      expect(await contents(key)).toEqual(await contents("check:before"));
      await raw.del("check:before");
    }
    expect(differing.length).toBeLessThan(keys.length / 10);
    expect(before.filter((b) => b.expiresAt > 0)).toHaveLength(20_001);
    const ttlDrift = keys.filter((_, i) => (before[i].expiresAt < 0 ? after[i].expiresAt !== before[i].expiresAt : Math.abs(after[i].expiresAt - before[i].expiresAt) > 1000));
    expect(ttlDrift.map((k) => k.toString("latin1"))).toEqual([]);
    expect(JSON.parse(python(READ_BACK, redis.port))).toEqual({ checked: 100_000, wrong: [] });

    const entries = await db().auditEntry.findMany({ where: { action: "keys.import" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome: "ok", status: "done", actorEmail: "editor@example.test" });
    expect(JSON.parse(entries[0].detail!).counts).toMatchObject({ written: 100_000 });
    expect(presentEntry(entries[0]).summary).toMatch(/^Imported 100,000 keys from dev \(the whole database\): 100,000 written, 100,000 new/);
  });

  it("counts new, existing, conflicting and too big keys in a dry run, and applies the three policies", async () => {
    const raw = redis.raw();
    await raw.flushdb();
    for (let i = 0; i < 10; i++) await raw.set(`pol:${i}`, `v${i}`);
    await raw.hset("pol:h", "a", "1");
    as("viewer");
    const file = (await calls.exportText(devId, { kind: "namespace", prefix: Buffer.from("pol:").toString("base64") })).text;
    // The target now: 3 keys gone (new), 2 changed (conflicting), the hash of another type, the rest as exported.
    await raw.del("pol:0", "pol:1", "pol:2");
    await raw.set("pol:3", "changed");
    await raw.set("pol:4", "changed");
    await raw.del("pol:h");
    await raw.set("pol:h", "not a hash");
    as("editor");
    const { body: upload } = await calls.upload(devId, file);
    expect(upload.lines).toBe(11);

    const counts = async (policy: "skip" | "overwrite" | "fail"): Promise<ImportCounts> => {
      const started = await previewImport({ connectionId: devId, uploadId: upload.uploadId, policy, ttl: { mode: "keep" } });
      if (!started.ok) throw new Error(started.message);
      const job = await run(devId, started.data.jobId);
      expect(job.status).toBe("done");
      return job.result!.counts;
    };
    expect(await counts("skip")).toMatchObject({ total: 11, new: 3, existing: 5, conflicting: 3, tooBig: 0, invalid: 0, written: 0 });
    expect(await raw.exists("pol:0")).toBe(0);

    // fail: nothing is written while any key conflicts.
    const failing = await importKeys({ connectionId: devId, uploadId: upload.uploadId, policy: "fail", ttl: { mode: "keep" } });
    if (!failing.ok) throw new Error(failing.message);
    const failed = await run(devId, failing.data.jobId);
    expect(failed).toMatchObject({ status: "error", error: { code: "CONFLICT" } });
    expect(await raw.exists("pol:0")).toBe(0);

    // skip: the new ones written, the changed ones left as they are.
    const skipping = await importKeys({ connectionId: devId, uploadId: upload.uploadId, policy: "skip", ttl: { mode: "keep" } });
    if (!skipping.ok) throw new Error(skipping.message);
    expect((await run(devId, skipping.data.jobId)).result?.counts).toMatchObject({ new: 3, written: 3, skipped: 8, conflicting: 3 });
    expect(await raw.get("pol:0")).toBe("v0");
    expect(await raw.get("pol:3")).toBe("changed");

    // overwrite: the changed ones (and the string where a hash was) replaced.
    const { body: again } = await calls.upload(devId, file);
    const overwriting = await importKeys({ connectionId: devId, uploadId: again.uploadId, policy: "overwrite", ttl: { mode: "none" } });
    if (!overwriting.ok) throw new Error(overwriting.message);
    expect((await run(devId, overwriting.data.jobId)).result?.counts).toMatchObject({ existing: 8, conflicting: 3, written: 3, skipped: 8 });
    expect(await raw.get("pol:3")).toBe("v3");
    expect(await raw.hget("pol:h", "a")).toBe("1");

    const entries = await db().auditEntry.findMany({ where: { action: "keys.import" }, orderBy: { id: "asc" } });
    expect(entries.slice(-3).map((e) => [e.outcome, JSON.parse(e.detail!).policy])).toEqual([
      ["error", "fail"],
      ["ok", "skip"],
      ["ok", "overwrite"],
    ]);
  });

  it("rewrites a prefix and sets a given TTL", async () => {
    const raw = redis.raw();
    await raw.flushdb();
    for (let i = 0; i < 5; i++) await raw.set(`staging:k${i}`, `s${i}`);
    as("viewer");
    const file = (await calls.exportText(devId, { kind: "glob", match: "staging:*" }, false)).text;
    expect(keyLines(file).every((line) => !("dump" in line))).toBe(true);
    as("editor");
    const { body: upload } = await calls.upload(devId, file);
    const rewrite = { from: Buffer.from("staging:").toString("base64"), to: Buffer.from("prod:").toString("base64") };
    const started = await importKeys({ connectionId: devId, uploadId: upload.uploadId, policy: "skip", ttl: { mode: "set", ttlMs: 3_600_000 }, rewrite });
    if (!started.ok) throw new Error(started.message);
    expect((await run(devId, started.data.jobId)).result?.counts).toMatchObject({ new: 5, written: 5 });
    expect(await raw.get("prod:k3")).toBe("s3");
    expect(await raw.pttl("prod:k3")).toBeGreaterThan(3_500_000);
    expect(await raw.get("staging:k3")).toBe("s3");
  });

  it("streams the export as the scan goes, and a cancelled download stops the scan", async () => {
    const raw = redis.raw();
    await raw.flushdb();
    const seed = raw.pipeline();
    for (let i = 0; i < 50_000; i++) seed.set(`stream:${i}`, `v${i}`);
    await seed.exec();
    await raw.config("RESETSTAT");
    const scans = async () => Number(/cmdstat_scan:calls=(\d+)/.exec(await raw.info("commandstats"))?.[1] ?? 0);
    as("viewer");
    const reader = (await calls.exportResponse(devId, { kind: "database" })).body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(JSON.parse(first.split("\n")[0])).toMatchObject({ format: "cacheboard-keys", total: 50_000 });
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterCancel = await scans();
    await new Promise((resolve) => setTimeout(resolve, 700));
    // A whole export would take 100 SCAN calls of 500 keys; the cancelled one stopped after its first pages.
    expect(await scans()).toBe(afterCancel);
    expect(afterCancel).toBeGreaterThan(0);
    expect(afterCancel).toBeLessThan(10);
  });

  it("stops an import cancelled midway, keeps what it wrote, and audits it once as cancelled with its counts", async () => {
    const raw = redis.raw();
    await raw.flushdb();
    const seed = raw.pipeline();
    for (let i = 0; i < 20_000; i++) seed.set(`cancel:${i}`, `v${i}`);
    await seed.exec();
    as("viewer");
    const file = (await calls.exportText(devId, { kind: "namespace", prefix: Buffer.from("cancel:").toString("base64") })).text;
    await raw.flushdb();
    as("editor");
    const { body: upload } = await calls.upload(devId, file);
    const started = await importKeys({ connectionId: devId, uploadId: upload.uploadId, ...importOptions });
    if (!started.ok) throw new Error(started.message);
    const { jobId } = started.data;

    // Once the first batch is written, the server is held still while the cancel arrives: the batch in flight
    // finishes when it resumes, and nothing after it is written.
    const { readJob, cancelJob } = await import("@/lib/server/keys/jobs");
    while (((await readJob(devId, jobId, users.editor.id))?.progress.affected ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    redis.pause();
    try {
      expect(await cancelJob(devId, jobId, { id: users.editor.id, role: "editor" })).toBe(true);
    } finally {
      redis.resume();
    }
    const job = await run(devId, jobId);
    expect(job.status).toBe("cancelled");
    const written = job.result!.counts.written;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(20_000);
    expect(await raw.dbsize()).toBe(written);

    const entries = await db().auditEntry.findMany({ where: { action: "keys.import" }, orderBy: { id: "asc" } });
    const entry = entries.at(-1)!;
    expect(entry).toMatchObject({ outcome: "ok", status: "done", actorEmail: "editor@example.test" });
    expect(JSON.parse(entry.detail!)).toMatchObject({ cancelled: true, counts: { written } });
    expect(presentEntry(entry).summary).toMatch(/, cancelled: /);
  });

  it("refuses a viewer's import, a read-only connection's, and a production one's without the typed name", async () => {
    const raw = redis.raw();
    await raw.set("refuse:k", "v");
    as("viewer");
    const file = (await calls.exportText(devId, { kind: "keys", keys: [Buffer.from("refuse:k").toString("base64")] })).text;
    expect(keyLines(file)).toHaveLength(1);
    expect((await calls.upload(devId, file)).status).toBe(403);

    as("editor");
    expect((await calls.upload(readOnlyId, file)).body).toMatchObject({ code: "READ_ONLY" });
    const { body: upload } = await calls.upload(devId, file);
    as("viewer");
    expect(await importKeys({ connectionId: devId, uploadId: upload.uploadId, ...importOptions })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await previewImport({ connectionId: devId, uploadId: upload.uploadId, ...importOptions })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    as("editor");
    expect(await importKeys({ connectionId: readOnlyId, uploadId: upload.uploadId, ...importOptions })).toMatchObject({ ok: false, code: "READ_ONLY" });

    const { body: prodUpload } = await calls.upload(prodId, file);
    expect(await importKeys({ connectionId: prodId, uploadId: prodUpload.uploadId, ...importOptions })).toMatchObject({ ok: false, code: "CONFIRMATION_REQUIRED" });
    const confirmed = await importKeys({ connectionId: prodId, uploadId: prodUpload.uploadId, ...importOptions, confirm: "prod" });
    if (!confirmed.ok) throw new Error(confirmed.message);
    expect((await run(prodId, confirmed.data.jobId)).status).toBe("done");
    await raw.select(1);
    expect(await raw.get("refuse:k")).toBe("v");
    await raw.select(0);

    const upload2 = await calls.upload(devId, "not an export\n");
    expect(upload2).toMatchObject({ status: 400, body: { code: "INVALID_ARGUMENT" } });
    const refused = await db().auditEntry.findMany({ where: { action: "keys.import", errorCode: { not: null } } });
    expect(refused.map((e) => e.errorCode).sort()).toEqual(["CONFIRMATION_REQUIRED", "CONFLICT", "FORBIDDEN", "READ_ONLY"]);
  });
});
