/**
 * The command console's route on real servers (Redis standalone and cluster, memcached, uWSGI): the real route
 * module and database; only Next.js's cookie reader is replaced, with requests carrying real session cookies.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { ConsoleDocsReply, ConsoleRefusal, ConsoleRunReply, ConsoleValue } from "@/lib/wire/console";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { removeDir, tempDir } from "../support/process";
import { startRedis, startRedisCluster, startRedisSentinel, type RedisClusterHandle, type RedisSentinelHandle, type RedisServer } from "../support/redis";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { testRequest } from "../support/next-request";

vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);

const dir = tempDir("console");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "56".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { disposeConnection } = await import("@/lib/connections/load");
const { sealSecrets } = await import("@/lib/secrets");
type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
const route = await import("@/app/api/c/[id]/console/route");
const post = route.POST as unknown as Handler;
const get = route.GET as unknown as Handler;

type Role = "viewer" | "editor" | "admin";
const tokens: Record<Role, string> = { viewer: "viewer-token", editor: "editor-token", admin: "admin-token" };

async function run(id: string, line: string, role: Role = "admin", confirm?: string): Promise<{ status: number; body: ConsoleRunReply | ConsoleRefusal }> {
  testRequest.cookie = tokens[role];
  const response = await post(
    new Request(`http://127.0.0.1:3000/api/c/${id}/console`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ line, confirm }) }),
    { params: Promise.resolve({ id }) },
  );
  return { status: response.status, body: (await response.json()) as ConsoleRunReply | ConsoleRefusal };
}

async function reply(id: string, line: string, role: Role = "admin"): Promise<ConsoleValue> {
  const { status, body } = await run(id, line, role);
  expect(body, line).toMatchObject({ ok: true });
  expect(status).toBe(200);
  return (body as ConsoleRunReply).reply;
}

async function refusal(id: string, line: string, role: Role = "admin", confirm?: string): Promise<ConsoleRefusal & { status: number }> {
  const { status, body } = await run(id, line, role, confirm);
  expect(body.ok, line).toBe(false);
  return { ...(body as ConsoleRefusal), status };
}

const bytes = (value: ConsoleValue) => (value.t === "blob" ? Buffer.from(value.b64, "base64") : null);

async function lastAudit() {
  return db().auditEntry.findFirstOrThrow({ where: { action: "console.run" }, orderBy: { id: "desc" } });
}

describe("command console on real servers", () => {
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;
  const ids = { redis: "", readOnly: "", production: "", opened: "", memcached: "", uwsgi: "" };

  beforeAll(async () => {
    [redis, memcached, uwsgi] = await Promise.all([startRedis(), startMemcached(2), startUwsgi([{ name: "app", items: 100, blocksize: 4096 }])]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    for (const role of ["viewer", "editor", "admin"] as const) {
      const user = await db().user.create({ data: { email: `${role}@example.test`, passwordHash: "x", role } });
      await db().session.create({ data: { id: createHash("sha256").update(tokens[role]).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    }
    const create = async (name: string, kind: string, settings: unknown, extra: Record<string, unknown> = {}) =>
      (await db().connectionProfile.create({ data: { name, kind, settings: JSON.stringify(settings), timeoutMs: UWSGI_TEST_TIMEOUT_MS, ...extra } })).id;
    const redisSettings = { host: "127.0.0.1", port: redis.port };
    ids.redis = await create("redis", "redis", redisSettings);
    ids.readOnly = await create("redis read-only", "redis", redisSettings, { readOnly: true });
    ids.production = await create("redis production", "redis", redisSettings, { environment: "production" });
    ids.opened = await create("redis opened", "redis", { ...redisSettings, db: 1 }, { consoleAllow: JSON.stringify(["FLUSHDB", "KEYS"]) });
    ids.memcached = await create("memcached", "memcached", { servers: memcached.addresses });
    ids.uwsgi = await create("uwsgi", "uwsgi", { address: uwsgi.address, statsAddress: uwsgi.statsAddress });
  });
  afterAll(async () => {
    for (const id of Object.values(ids)) await disposeConnection(id).catch(() => undefined);
    await db().$disconnect();
    await Promise.all([redis?.stop(), memcached?.stop(), uwsgi?.stop()]);
    removeDir(dir);
  });

  it("renders replies by their RESP3 type", async () => {
    expect(await reply(ids.redis, "SET greeting hello")).toEqual({ t: "simple", text: "OK" });
    expect(bytes(await reply(ids.redis, "GET greeting"))?.toString()).toBe("hello");
    expect(await reply(ids.redis, "GET missing")).toEqual({ t: "null" });
    expect(await reply(ids.redis, "HSET h f1 v1 f2 v2")).toEqual({ t: "int", value: "2" });
    const map = await reply(ids.redis, "HGETALL h");
    expect(map).toMatchObject({ t: "map", total: 2 });
    expect(await reply(ids.redis, "ZADD z 1.5 m")).toEqual({ t: "int", value: "1" });
    expect(await reply(ids.redis, "ZSCORE z m")).toEqual({ t: "double", value: "1.5" });
    expect(await reply(ids.redis, "SADD s a b")).toMatchObject({ t: "int" });
    expect(await reply(ids.redis, "SMEMBERS s")).toMatchObject({ t: "set", total: 2 });
    expect(await reply(ids.redis, "INCR h")).toMatchObject({ t: "error", text: expect.stringMatching(/^WRONGTYPE/) });
    // The write that failed is audited with its outcome and the server's error.
    expect(await lastAudit()).toMatchObject({ outcome: "error", errorCode: "SERVER_ERROR", errorMessage: expect.stringMatching(/^WRONGTYPE/) });
    expect(JSON.parse((await lastAudit()).detail!)).toMatchObject({ command: "INCR h", class: "write" });
  });

  it("splits arguments like redis-cli and keeps binary bytes both ways", async () => {
    await reply(ids.redis, 'SET "bin\\x00key" "a\\x00b\\xff\\r\\n"', "editor");
    expect(bytes(await reply(ids.redis, 'GET "bin\\x00key"'))).toEqual(Buffer.from([0x61, 0, 0x62, 0xff, 13, 10]));
    expect(Buffer.from((await redis.raw().getBuffer(Buffer.from("bin\x00key")))!)).toEqual(Buffer.from([0x61, 0, 0x62, 0xff, 13, 10]));
    expect(await refusal(ids.redis, 'GET "open')).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/quote/) });
  });

  it("refuses a viewer's write and audits the refusal with its arguments", async () => {
    expect(await reply(ids.redis, "GET greeting", "viewer")).toMatchObject({ t: "blob" });
    const refused = await refusal(ids.redis, "SET greeting overwritten", "viewer");
    expect(refused).toMatchObject({ code: "FORBIDDEN", status: 403, message: expect.stringMatching(/editor/) });
    expect(await lastAudit()).toMatchObject({ outcome: "denied", actorEmail: "viewer@example.test", errorCode: "FORBIDDEN" });
    expect(JSON.parse((await lastAudit()).detail!)).toMatchObject({ command: "SET greeting overwritten", class: "write" });
    expect(await redis.raw().get("greeting")).toBe("hello");
    expect(await refusal(ids.redis, "CONFIG GET maxmemory", "editor")).toMatchObject({ code: "FORBIDDEN" });
  });

  it("audits an editor's write with its outcome", async () => {
    await reply(ids.redis, "SET audited 1", "editor");
    const entry = await lastAudit();
    expect(entry).toMatchObject({ outcome: "ok", status: "done", actorEmail: "editor@example.test", connectionName: "redis" });
    expect(Buffer.from(entry.targetKey!).toString()).toBe("audited");
    expect(JSON.parse(entry.detail!)).toMatchObject({ command: "SET audited 1", reply: "OK" });
  });

  it("refuses every write on a read-only connection, an admin's too, and still reads", async () => {
    const refused = await refusal(ids.readOnly, "SET greeting changed");
    expect(refused).toMatchObject({ code: "READ_ONLY", status: 403 });
    expect(await refusal(ids.readOnly, "DEL greeting")).toMatchObject({ code: "READ_ONLY" });
    expect(await redis.raw().get("greeting")).toBe("hello");
    expect(bytes(await reply(ids.readOnly, "GET greeting", "viewer"))?.toString()).toBe("hello");
  });

  it("keeps the deny list closed unless the profile opens it", async () => {
    await redis.raw().set("survivor", "1");
    const refused = await refusal(ids.redis, "FLUSHALL");
    expect(refused).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/deny list/) });
    expect(await lastAudit()).toMatchObject({ outcome: "denied" });
    expect(await refusal(ids.redis, "CONFIG SET maxmemory 1")).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/CONFIG SET is on the console's deny list/) });
    expect(await refusal(ids.redis, "FLUSHDB", "editor")).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/admin/) });
    for (const line of ["SHUTDOWN NOSAVE", "DEBUG SLEEP 0", "MONITOR", "SCRIPT FLUSH", "CLIENT KILL ID 1", "CONFIG SET maxmemory 1", "FLUSHDB ASYNC"]) {
      expect(await refusal(ids.redis, line), line).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/deny list/) });
      expect(JSON.parse((await lastAudit()).detail!), line).toMatchObject({ command: line });
    }
    expect(await redis.raw().ping()).toBe("PONG");
    expect(await redis.raw().get("survivor")).toBe("1");
    // The profile that opens FLUSHDB lets an admin run it (on its own database, 1).
    await reply(ids.opened, "SET only-in-db1 x");
    expect(await reply(ids.opened, "FLUSHDB")).toEqual({ t: "simple", text: "OK" });
    expect(await redis.raw().get("survivor")).toBe("1");
    expect(await refusal(ids.opened, "FLUSHALL")).toMatchObject({ code: "FORBIDDEN" });
  });

  it("redacts AUTH's password in the audit log and the history", async () => {
    const { body } = await run(ids.redis, "AUTH default s3cret-password");
    // The default user without a password takes any: the command runs, and its password is still a secret.
    expect(body).toMatchObject({ ok: true, reply: { t: "simple", text: "OK" } });
    const entry = await lastAudit();
    expect(JSON.parse(entry.detail!).command).toBe("AUTH default (redacted)");
    const everything = JSON.stringify(await db().auditEntry.findMany()) + JSON.stringify(await db().consoleHistory.findMany());
    expect(everything).not.toContain("s3cret-password");
    await run(ids.redis, "CONFIG SET requirepass hunter2-secret");
    await run(ids.redis, "ACL SETUSER someone on >pa55word ~* +@all");
    const later = JSON.stringify(await db().auditEntry.findMany()) + JSON.stringify(await db().consoleHistory.findMany());
    expect(later).not.toContain("hunter2-secret");
    expect(later).not.toContain("pa55word");
    await redis.raw().acl("DELUSER", "someone");
  });

  it("cuts a huge reply and says how much there was", async () => {
    const raw = redis.raw();
    await raw.rpush("long", ...Array.from({ length: 5000 }, (_, i) => `item-${i}`));
    const list = await reply(ids.redis, "LRANGE long 0 -1");
    expect(list).toMatchObject({ t: "array", total: 5000 });
    expect(list.t === "array" && list.items.length).toBe(1000);
    await raw.set("big", Buffer.alloc(2 * 1024 * 1024, 0x61));
    const big = await reply(ids.redis, "GET big");
    expect(big).toMatchObject({ t: "blob", size: 2 * 1024 * 1024 });
    expect(bytes(big)!.length).toBe(256 * 1024);
  });

  it("refuses KEYS on a big keyspace and offers SCAN; big collections get their cursor form", async () => {
    const raw = redis.raw();
    // On a small keyspace KEYS is a plain read.
    await raw.mset("few:a", "1", "few:b", "2");
    const few = await reply(ids.redis, "KEYS few:*", "viewer");
    expect(few.t === "array" && few.items.map(bytes).map(String).sort()).toEqual(["few:a", "few:b"]);
    const pipeline = raw.pipeline();
    for (let i = 0; i < 10_050; i++) pipeline.set(`bulk:${i}`, "1");
    await pipeline.exec();
    const refused = await refusal(ids.redis, "KEYS bulk:*");
    expect(refused).toMatchObject({ code: "FORBIDDEN", suggestion: "SCAN 0 MATCH bulk:* COUNT 1000" });
    expect(await reply(ids.redis, "SCAN 0 MATCH bulk:* COUNT 1000")).toMatchObject({ t: "array", total: 2 });
    await raw.sadd("bigset", ...Array.from({ length: 10_050 }, (_, i) => `m${i}`));
    expect(await refusal(ids.redis, "SMEMBERS bigset", "viewer")).toMatchObject({ code: "TOO_LARGE", suggestion: "SSCAN bigset 0 COUNT 1000" });
    expect(await refusal(ids.redis, "BLPOP long 0", "editor")).toMatchObject({ code: "UNSUPPORTED", suggestion: "LPOP long" });
    expect(await refusal(ids.redis, "SELECT 2")).toMatchObject({ code: "UNSUPPORTED" });
  });

  it("asks for the typed confirmation before a write on production, checked on the server", async () => {
    const asked = await refusal(ids.production, "SET prod-key 1", "editor");
    expect(asked).toMatchObject({ code: "CONFIRMATION_REQUIRED", confirm: "SET" });
    expect(await redis.raw().exists("prod-key")).toBe(0);
    expect(await refusal(ids.production, "SET prod-key 1", "editor", "GET")).toMatchObject({ code: "CONFIRMATION_REQUIRED" });
    expect((await run(ids.production, "SET prod-key 1", "editor", "SET")).body).toMatchObject({ ok: true });
    expect(await reply(ids.production, "GET prod-key", "viewer")).toMatchObject({ t: "blob" });
  });

  it("serves COMMAND DOCS as syntax hints and keeps each person's history", async () => {
    testRequest.cookie = tokens.viewer;
    const response = await get(new Request(`http://127.0.0.1:3000/api/c/${ids.redis}/console`), { params: Promise.resolve({ id: ids.redis }) });
    const docs = (await response.json()) as ConsoleDocsReply;
    expect(docs.docs.find((d) => d.name === "SET")?.syntax).toMatch(/^key value .*\[NX \| XX\]/);
    expect(docs.docs.find((d) => d.name === "CONFIG SET")).toBeTruthy();
    const { readHistory } = await import("@/lib/server/console/history");
    const viewer = await db().user.findUniqueOrThrow({ where: { email: "viewer@example.test" } });
    const lines = await readHistory(viewer.id, ids.redis);
    expect(lines).toContain("SET greeting overwritten");
    expect(lines.at(-1)).toBe("SMEMBERS bigset");
  });

  it("speaks memcached: meta and classic commands, by key across a pool, with the same role rules", async () => {
    expect(await reply(ids.memcached, 'ms "mc\\x00key" "v\\x00w" T0 F5', "editor")).toEqual({ t: "simple", text: "HD" });
    const got = await reply(ids.memcached, 'get "mc\\x00key"', "viewer");
    expect(got.t === "array" && got.items.map((i) => (i.t === "simple" ? i.text : bytes(i)))).toEqual([String.raw`VALUE mc\x00key 5 3`, Buffer.from("v\x00w"), "END"]);
    expect(await reply(ids.memcached, 'mg "mc\\x00key" s f', "viewer")).toMatchObject({ t: "simple", text: "HD s3 f5" });
    expect(await refusal(ids.memcached, "ms other value", "viewer")).toMatchObject({ code: "FORBIDDEN" });
    expect(await refusal(ids.memcached, "mg other T30", "viewer")).toMatchObject({ code: "FORBIDDEN" });
    await reply(ids.memcached, "ms counter 10", "editor");
    expect(await reply(ids.memcached, "incr counter 5", "editor")).toEqual({ t: "int", value: "15" });
    expect(await reply(ids.memcached, "decr counter 20", "editor")).toEqual({ t: "int", value: "0" });
    const stats = await reply(ids.memcached, "stats slabs", "viewer");
    expect(stats).toMatchObject({ t: "map", total: 2 });
    expect(await reply(ids.memcached, "version", "viewer")).toMatchObject({ t: "map" });
    expect(await refusal(ids.memcached, "flush_all")).toMatchObject({ code: "UNSUPPORTED" });
    expect(await refusal(ids.memcached, "stats detail dump", "viewer")).toMatchObject({ code: "UNSUPPORTED" });
  });

  it("speaks memcached's gets, touch, ma and md, and the stats sub-commands of every server", async () => {
    await reply(ids.memcached, "ms cas-key one F7", "editor");
    const gets = await reply(ids.memcached, "gets cas-key", "viewer");
    expect(gets.t === "array" && gets.items[0]).toMatchObject({ t: "simple", text: expect.stringMatching(/^VALUE cas-key 7 3 \d+$/) });

    expect(await refusal(ids.memcached, "touch cas-key 100", "viewer")).toMatchObject({ code: "FORBIDDEN" });
    expect(await reply(ids.memcached, "touch cas-key 100", "editor")).toEqual({ t: "simple", text: "TOUCHED" });
    const ttl = await reply(ids.memcached, "mg cas-key t", "viewer");
    const left = ttl.t === "simple" ? Number(/^HD t(\d+)$/.exec(ttl.text)?.[1]) : NaN;
    expect(left).toBeGreaterThanOrEqual(90);
    expect(left).toBeLessThanOrEqual(100);
    expect(await reply(ids.memcached, "touch never-set 100", "editor")).toEqual({ t: "simple", text: "NOT_FOUND" });

    await reply(ids.memcached, "ms hits 5", "editor");
    expect(await refusal(ids.memcached, "ma hits D3", "viewer")).toMatchObject({ code: "FORBIDDEN" });
    const added = await reply(ids.memcached, "ma hits D3 v", "editor");
    expect(added.t === "array" && bytes(added.items[1])?.toString()).toBe("8");
    expect(await refusal(ids.memcached, "md hits", "viewer")).toMatchObject({ code: "FORBIDDEN" });
    expect(await reply(ids.memcached, "md hits", "editor")).toEqual({ t: "simple", text: "HD" });
    expect(await memcached.rawGet(Buffer.from("hits"))).toBeNull();
    expect(await lastAudit()).toMatchObject({ outcome: "ok", actorEmail: "editor@example.test" });
    expect(JSON.parse((await lastAudit()).detail!)).toMatchObject({ command: "md hits", reply: "HD" });

    for (const sub of ["stats", "stats items", "stats settings"]) {
      const perServer = await reply(ids.memcached, sub, "viewer");
      expect(perServer.t === "map" && perServer.entries.map(([address]) => (address.t === "simple" ? address.text : ""))).toEqual(memcached.addresses);
    }
  });

  it("speaks uWSGI's cache commands, with the same role rules", async () => {
    expect(await reply(ids.uwsgi, 'set app:k "one\\x00two"', "editor")).toEqual({ t: "simple", text: "OK" });
    expect(bytes(await reply(ids.uwsgi, "get app:k", "viewer"))).toEqual(Buffer.from("one\x00two"));
    expect(await reply(ids.uwsgi, "exists app:k", "viewer")).toEqual({ t: "int", value: "1" });
    expect(await reply(ids.uwsgi, 'set app:k "again"', "editor")).toMatchObject({ t: "error" });
    expect(await reply(ids.uwsgi, "update app:k again", "editor")).toEqual({ t: "simple", text: "OK" });
    expect(await refusal(ids.uwsgi, "del app:k", "viewer")).toMatchObject({ code: "FORBIDDEN" });
    expect(await reply(ids.uwsgi, "del app:k", "editor")).toEqual({ t: "int", value: "1" });
    expect(await reply(ids.uwsgi, "get app:k", "viewer")).toEqual({ t: "null" });
    expect(await reply(ids.uwsgi, "stats", "viewer")).toMatchObject({ t: "map", total: 1 });
  }, UWSGI_TEST_TIMEOUT_MS * 2);

  describe("on a Redis cluster", () => {
    let cluster: RedisClusterHandle;
    let id = "";
    beforeAll(async () => {
      cluster = await startRedisCluster();
      id = (await db().connectionProfile.create({ data: { name: "cluster", kind: "redis-cluster", settings: JSON.stringify({ nodes: [{ host: "127.0.0.1", port: cluster.ports[0] }] }) } })).id;
    }, 60_000);
    afterAll(async () => {
      await disposeConnection(id).catch(() => undefined);
      await cluster?.stop();
    });

    it("routes keyed commands by slot and names the node of a keyless one", async () => {
      const nodes = new Set<string>();
      for (const key of ["a", "b", "c", "d", "e", "f"]) {
        const { body } = await run(id, `SET ${key} value-${key}`);
        expect(body).toMatchObject({ ok: true, reply: { t: "simple", text: "OK" } });
        nodes.add((body as ConsoleRunReply).node!);
      }
      expect(nodes.size).toBeGreaterThan(1);
      const { body } = await run(id, "GET d", "viewer");
      expect(bytes((body as ConsoleRunReply).reply)?.toString()).toBe("value-d");
      const keyless = await run(id, "DBSIZE", "viewer");
      expect((keyless.body as ConsoleRunReply).node).toMatch(/^127\.0\.0\.1:\d+$/);
    });
  });

  describe("on Redis behind Sentinel", () => {
    let sentinel: RedisSentinelHandle;
    let id = "";
    beforeAll(async () => {
      sentinel = await startRedisSentinel();
      const settings = { masterName: sentinel.masterName, sentinels: sentinel.sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })) };
      const secret = sealSecrets({ password: sentinel.password, sentinelPassword: sentinel.sentinelPassword });
      id = (await db().connectionProfile.create({ data: { name: "sentinel", kind: "redis-sentinel", settings: JSON.stringify(settings), secret } })).id;
    }, 60_000);
    afterAll(async () => {
      await disposeConnection(id).catch(() => undefined);
      await sentinel?.stop();
    });

    it("runs on the primary the sentinels name, authenticated with the profile's secrets", async () => {
      expect(await reply(id, "SET via-sentinel yes", "editor")).toEqual({ t: "simple", text: "OK" });
      const raw = sentinel.primary.raw();
      expect(await raw.get("via-sentinel")).toBe("yes");
      const role = await reply(id, "ROLE", "admin");
      expect(role.t === "array" && bytes(role.items[0])?.toString()).toBe("master");
    });
  });
});
