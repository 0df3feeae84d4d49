/**
 * The Server tab's route and actions on real servers: a password-protected Redis (slow log with binary
 * arguments, clients, INFO, CONFIG with its password redacted, latency, memory), a two-server memcached pool,
 * a uWSGI with its stats server, and the db switcher (databases with their counts; browsing db 3 lists db 3's
 * keys only and a change made there lands and is audited there). Slow log reset and client kill are admin
 * actions, audited, and refused on a read-only connection.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import type { DatabasesReply, ServerViewReply } from "@/lib/wire/server";
import { connectionRef } from "@/lib/wire/connection-ref";
import type { KeyPage } from "@/lib/wire/key-page";
import type { TreeState } from "@/lib/wire/tree";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { removeDir, tempDir, waitFor } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { testRequest } from "../support/next-request";

const request = testRequest;
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const dir = tempDir("server-views");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "66".repeat(32);
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { createProfile } = await import("@/lib/connections/store");
const { resetSlowlog } = await import("@/lib/actions/server/reset-slowlog");
const { killClient } = await import("@/lib/actions/server/kill-client");
const { deleteKey } = await import("@/lib/actions/keys/delete-key");
const { undoAuditEntry } = await import("@/lib/actions/audit/undo-audit-entry");
type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
const serverRoute = (await import("@/app/api/c/[id]/server/route")).GET as unknown as Handler;
const databasesRoute = (await import("@/app/api/c/[id]/databases/route")).GET as unknown as Handler;
const keysRoute = (await import("@/app/api/c/[id]/keys/route")).POST as unknown as Handler;
const treeRoute = (await import("@/app/api/c/[id]/keys/tree/route")).GET as unknown as Handler;

const PASSWORD = "requirepass-secret-123";
const BASE = "http://127.0.0.1:3000";
const lastEntry = () => db().auditEntry.findFirstOrThrow({ orderBy: { id: "desc" } });

type ViewReply<V extends ServerViewReply["view"]> = Extract<ServerViewReply, { view: V }> & { code?: string };

async function view<V extends ServerViewReply["view"]>(id: string, name: V, status = 200): Promise<ViewReply<V>> {
  const response = await serverRoute(new Request(`${BASE}/api/c/${id}/server?view=${name}`), { params: Promise.resolve({ id }) });
  expect(response.status).toBe(status);
  return (await response.json()) as ViewReply<V>;
}

describe("server views on real servers", () => {
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;
  const ids = { redis: "", readOnly: "", memcached: "", uwsgi: "" };
  const tokens = new Map<string, string>();
  const as = (role: string) => {
    request.cookie = tokens.get(role)!;
  };

  beforeAll(async () => {
    [redis, memcached, uwsgi] = await Promise.all([
      startRedis({ password: PASSWORD }),
      startMemcached(2),
      startUwsgi([{ name: "pages", items: 100, blocksize: 4096 }]),
    ]);
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    for (const role of ["viewer", "editor", "admin"]) {
      const user = await db().user.create({ data: { email: `${role}@example.test`, passwordHash: "x", role } });
      const token = `${role}-token`;
      tokens.set(role, token);
      await db().session.create({ data: { id: createHash("sha256").update(token).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
    }
    const base = { color: null, keyDelimiter: ":", defaultFormat: "auto" as const, formatOverrides: [], environment: "development" as const };
    const redisSettings = { host: "127.0.0.1", port: redis.port, db: 0 };
    ids.redis = (await createProfile({ ...base, name: "redis", kind: "redis", settings: redisSettings, secrets: { password: PASSWORD }, readOnly: false, timeoutMs: 5000 })).id;
    ids.readOnly = (await createProfile({ ...base, name: "redis ro", kind: "redis", settings: redisSettings, secrets: { password: PASSWORD }, readOnly: true, timeoutMs: 5000 })).id;
    ids.memcached = (await createProfile({ ...base, name: "mc", kind: "memcached", settings: { servers: memcached.addresses }, secrets: {}, readOnly: true, timeoutMs: 5000 })).id;
    ids.uwsgi = (
      await createProfile({ ...base, name: "uw", kind: "uwsgi", settings: { address: uwsgi.address, statsAddress: uwsgi.statsAddress }, secrets: {}, readOnly: true, timeoutMs: UWSGI_TEST_TIMEOUT_MS })
    ).id;
  });
  afterAll(async () => {
    await db().$disconnect();
    await Promise.all([redis?.stop(), memcached?.stop(), uwsgi?.stop()]);
    removeDir(dir);
  });

  it("shows the slow log with binary arguments, and only an admin resets it, audited", async () => {
    const raw = redis.raw();
    await raw.config("SET", "slowlog-log-slower-than", "0");
    const binaryKey = Buffer.from([0xff, 0x00, 0x61, 0x0a]);
    await raw.set(binaryKey, Buffer.from([0x80, 0x81]));
    as("viewer");
    const slowlog = await view(ids.redis, "slowlog");
    expect(slowlog.data.thresholdUs).toBe(0);
    const set = slowlog.data.entries.find((entry) => Buffer.from(entry.args[0], "base64").toString() === "set");
    expect(set, "the SET is in the slow log").toBeDefined();
    expect(Buffer.from(set!.args[1], "base64")).toEqual(binaryKey);
    expect(Buffer.from(set!.args[2], "base64")).toEqual(Buffer.from([0x80, 0x81]));

    as("editor");
    expect(await resetSlowlog({ connectionId: ids.redis })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await lastEntry()).toMatchObject({ action: "server.slowlog-reset", outcome: "denied", actorEmail: "editor@example.test" });

    as("admin");
    expect(await resetSlowlog({ connectionId: ids.readOnly })).toMatchObject({ ok: false, code: "READ_ONLY" });
    expect(await lastEntry()).toMatchObject({ action: "server.slowlog-reset", outcome: "denied", connectionId: ids.readOnly });
    expect(await resetSlowlog({ connectionId: ids.redis })).toMatchObject({ ok: true });
    expect(await lastEntry()).toMatchObject({ action: "server.slowlog-reset", outcome: "ok", status: "done", actorEmail: "admin@example.test", connectionId: ids.redis });
    await raw.config("SET", "slowlog-log-slower-than", "10000");
    const after = await view(ids.redis, "slowlog");
    // RESET itself may be logged before the threshold went up; the SET before it is gone.
    expect(after.data.entries.some((entry) => Buffer.from(entry.args[0], "base64").toString() === "set")).toBe(false);
  });

  it("lists clients, and only an admin kills one, audited, never on a read-only connection", async () => {
    const victim = new Redis({ port: redis.port, password: PASSWORD, lazyConnect: true });
    await victim.connect();
    await victim.client("SETNAME", "victim-client");
    try {
      as("viewer");
      const clients = await view(ids.redis, "clients");
      const row = clients.data.find((client) => Buffer.from(client.name, "base64").toString() === "victim-client");
      expect(row, "the named client is listed").toBeDefined();
      expect(row!.fields.addr).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(clients.data.some((client) => client.fields.name === "cacheboard")).toBe(true);

      for (const role of ["viewer", "editor"]) {
        as(role);
        expect(await killClient({ connectionId: ids.redis, clientId: row!.id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
        expect(await lastEntry()).toMatchObject({ action: "server.client-kill", outcome: "denied", actorEmail: `${role}@example.test` });
      }
      as("admin");
      expect(await killClient({ connectionId: ids.readOnly, clientId: row!.id })).toMatchObject({ ok: false, code: "READ_ONLY" });
      expect(await killClient({ connectionId: ids.redis, clientId: row!.id, address: row!.fields.addr })).toMatchObject({ ok: true, data: { killed: true } });
      const entry = await lastEntry();
      expect(entry).toMatchObject({ action: "server.client-kill", outcome: "ok", status: "done" });
      expect(JSON.parse(entry.detail ?? "{}")).toMatchObject({ clientId: row!.id, address: row!.fields.addr });
      const remaining = await view(ids.redis, "clients");
      expect(remaining.data.some((client) => client.id === row!.id)).toBe(false);
      expect(await killClient({ connectionId: ids.redis, clientId: row!.id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    } finally {
      victim.disconnect();
    }
  });

  it("shows INFO by section, CONFIG with requirepass redacted, latency and memory stats", async () => {
    as("viewer");
    const info = await view(ids.redis, "info");
    const names = info.data.map((section) => section.name);
    expect(names).toEqual(expect.arrayContaining(["Server", "Clients", "Memory", "Stats", "Keyspace"]));
    expect(info.data.find((s) => s.name === "Server")!.fields.find((f) => f.name === "redis_version")!.value).toMatch(/^\d+\./);

    const config = await view(ids.redis, "config");
    const requirepass = config.data.find((entry) => entry.name === "requirepass");
    expect(requirepass).toEqual({ name: "requirepass", value: "", redacted: true });
    expect(JSON.stringify(config.data)).not.toContain(PASSWORD);
    expect(config.data.find((entry) => entry.name === "maxmemory-policy")).toMatchObject({ redacted: false, value: "noeviction" });

    const off = await view(ids.redis, "latency");
    expect(off.data.thresholdMs).toBe(0);
    const raw = redis.raw();
    await raw.config("SET", "latency-monitor-threshold", "1");
    // A script that keeps the server busy for well over a millisecond: a "command" latency event.
    await raw.eval("local i = 0 while i < 5000000 do i = i + 1 end return i", 0);
    const on = await view(ids.redis, "latency");
    expect(on.data.thresholdMs).toBe(1);
    const event = on.data.events.find((e) => e.event === "command");
    expect(event, "a command latency event").toBeDefined();
    expect(event!.maxMs).toBeGreaterThanOrEqual(1);
    expect(event!.history.length).toBeGreaterThanOrEqual(1);
    expect(on.data.doctor.length).toBeGreaterThan(0);

    const memory = await view(ids.redis, "memory");
    const fields = new Map(memory.data.fields.map((f) => [f.name, f.value]));
    expect(Number(fields.get("peak.allocated"))).toBeGreaterThan(0);
    expect(Number(fields.get("total.allocated"))).toBeGreaterThan(0);
  });

  it("answers UNSUPPORTED for a view the backend does not offer", async () => {
    as("viewer");
    expect(await view(ids.redis, "nodes", 400)).toMatchObject({ code: "UNSUPPORTED" });
    expect(await view(ids.memcached, "slowlog", 400)).toMatchObject({ code: "UNSUPPORTED" });
    const response = await databasesRoute(new Request(`${BASE}/api/c/${ids.memcached}/databases`), { params: Promise.resolve({ id: ids.memcached }) });
    expect(response.status).toBe(400);
  });

  it("shows stats, settings, slabs and items of every memcached server of the pool", async () => {
    await memcached.rawSet(Buffer.from("slab:small"), Buffer.from("v"));
    await memcached.rawSet(Buffer.from("slab:big"), Buffer.alloc(5000, 1));
    as("viewer");
    const reply = await view(ids.memcached, "memcached");
    expect(reply.data.map((s) => s.address)).toEqual(memcached.addresses);
    for (const server of reply.data) {
      expect(server.error).toBeNull();
      expect(new Map(server.stats).get("version")).toMatch(/^1\./);
      expect(new Map(server.settings).has("maxbytes")).toBe(true);
    }
    const items = reply.data.reduce((sum, s) => sum + Number(new Map(s.stats).get("curr_items")), 0);
    expect(items).toBe(2);
    const classes = reply.data.flatMap((s) => s.items);
    expect(classes.reduce((sum, c) => sum + Number(new Map(c.fields).get("number")), 0)).toBe(2);
    expect(reply.data.flatMap((s) => s.slabs).some((slab) => Number(new Map(slab.fields).get("used_chunks")) >= 1)).toBe(true);
  });

  it("shows the uWSGI stats server's cache section", async () => {
    await uwsgi.app({ op: "set", cache: "pages", key: Buffer.from("k"), value: Buffer.from("v") });
    await uwsgi.app({ op: "get", cache: "pages", key: Buffer.from("k") });
    as("viewer");
    await waitFor(
      "the stats server to count the hit",
      async () => {
        const reply = await view(ids.uwsgi, "uwsgi");
        const cache = reply.data.caches.find((c) => c.name === "pages");
        return cache !== undefined && Number(cache.items) === 1 && Number(cache.hits) >= 1;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    const reply = await view(ids.uwsgi, "uwsgi");
    expect(reply.data.missing).toBeNull();
    expect(reply.data.caches.find((c) => c.name === "pages")).toMatchObject({ max_items: 100, blocksize: 4096 });
  });

  it("lists the databases with their key counts and browses db 3 alone", async () => {
    const raw = redis.raw();
    await raw.select(3);
    await raw.mset("db3:a", "1", "db3:b", "2", "db3:c", "3");
    await raw.select(0);
    await raw.set("db0:only", "x");
    as("viewer");
    const response = await databasesRoute(new Request(`${BASE}/api/c/${ids.redis}/databases`), { params: Promise.resolve({ id: ids.redis }) });
    expect(response.status).toBe(200);
    const reply = (await response.json()) as DatabasesReply;
    expect(reply.profileDb).toBe(0);
    expect(reply.databases).toHaveLength(16);
    expect(reply.databases[3]).toEqual({ index: 3, keys: 3, expires: 0 });
    expect(reply.databases[0].keys).toBeGreaterThanOrEqual(1);

    const ref = connectionRef(ids.redis, 3);
    const page = await keysRoute(
      new Request(`${BASE}/api/c/${ref}/keys`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ limit: 100 }) }),
      { params: Promise.resolve({ id: ref }) },
    );
    expect(page.status).toBe(200);
    expect(((await page.json()) as KeyPage).rows.map((row) => row.text).sort()).toEqual(["db3:a", "db3:b", "db3:c"]);

    // The namespace index is kept per database: db 3's holds db 3's namespace only.
    const readTree = async () => (await (await treeRoute(new Request(`${BASE}/api/c/${ref}/keys/tree`), { params: Promise.resolve({ id: ref }) })).json()) as TreeState;
    await waitFor("db 3's namespace index", async () => (await readTree()).outcome === "done", { timeoutMs: 20_000, intervalMs: 100 });
    expect((await readTree()).roots.map((root) => root.label)).toEqual(["db3"]);

    as("editor");
    expect(await deleteKey({ connectionId: ref, key: Buffer.from("db3:a").toString("base64") })).toMatchObject({ ok: true });
    await raw.select(3);
    expect(await raw.exists("db3:a")).toBe(0);
    await raw.select(0);
    expect(await raw.exists("db0:only")).toBe(1);
    const entry = await lastEntry();
    expect(entry).toMatchObject({ action: "keys.delete", connectionId: ids.redis, outcome: "ok" });
    expect(JSON.parse(entry.detail ?? "{}")).toMatchObject({ db: 3 });

    // Undone from the audit log (which names the profile, not the database): restored in db 3, not in db 0.
    expect(await undoAuditEntry({ connectionId: ids.redis, entryId: entry.id })).toMatchObject({ ok: true });
    await raw.select(3);
    expect(await raw.get("db3:a")).toBe("1");
    await raw.select(0);
    expect(await raw.exists("db3:a")).toBe(0);
    expect(JSON.parse((await lastEntry()).detail ?? "{}")).toMatchObject({ undoOf: entry.id, db: 3 });
  });
});
