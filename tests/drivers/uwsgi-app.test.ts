/**
 * uWSGI behaviour beyond the conformance suite, with data written by uWSGI's own Python API from an app
 * running inside the server under test: namespaces per cache, int64 counters, limits checked before
 * anything is sent, and edits the app reads back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver, KeyMeta } from "@/lib/drivers/types";
import { MATH_FLAG } from "@/lib/drivers/uwsgi/protocol";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { expectCode } from "./conformance";

const k = (s: string) => Buffer.from(s);

async function listAll(driver: Driver, request: { prefix?: Buffer; count?: number } = {}): Promise<KeyMeta[]> {
  const metas: KeyMeta[] = [];
  let cursor = "";
  for (;;) {
    const page = await driver.scan({ ...request, cursor });
    metas.push(...(page.meta ?? []));
    if (page.done) return metas;
    cursor = page.cursor;
  }
}

describe("uWSGI caches written by the app inside it", () => {
  let server: UwsgiServer;
  let driver: Driver;

  beforeAll(async () => {
    server = await startUwsgi([
      { name: "pages", items: 200, keysize: 128, blocksize: 4096 },
      { name: "counters", items: 50, keysize: 32, blocksize: 64 },
    ]);
    driver = createDriver({ kind: "uwsgi", settings: { address: server.address, statsAddress: server.statsAddress }, secrets: {}, timeoutMs: UWSGI_TEST_TIMEOUT_MS });
  });
  afterAll(async () => {
    await driver?.dispose();
    await server?.stop();
  });

  it("lists both caches as namespaces with the app's exact bytes, TTLs and the counter flag", async () => {
    const value = Buffer.from([0x80, 0x04, 0x4b, 0x2a, 0x2e]);
    expect((await server.app({ op: "set", cache: "pages", key: k("views.home"), value, expires: 300 })).ok).toBe(true);
    expect((await server.app({ op: "set", cache: "pages", key: k("bin\x00key"), value: k("x") })).ok).toBe(true);
    expect((await server.app({ op: "inc", cache: "counters", key: k("hits"), amount: 5 })).ok).toBe(true);

    const all = await listAll(driver, { count: 2 });
    const byKey = new Map(all.map((m) => [m.key.toString("latin1"), m]));
    expect([...byKey.keys()].sort()).toEqual(["counters:hits", "pages:bin\x00key", "pages:views.home"]);
    expect(byKey.get("pages:views.home")?.ttlMs).toBeGreaterThan(290_000);
    expect(byKey.get("pages:views.home")?.size).toBe(5);
    expect((byKey.get("counters:hits")?.flags ?? 0) & MATH_FLAG).toBe(MATH_FLAG);

    const onlyPages = await listAll(driver, { prefix: k("pages:") });
    expect(onlyPages.map((m) => m.key.toString("latin1")).sort()).toEqual(["pages:bin\x00key", "pages:views.home"]);

    const read = await driver.read(k("pages:views.home"));
    expect(read.type === "string" && read.value.equals(value)).toBe(true);
    const counter = await driver.read(k("counters:hits"));
    expect(counter.type === "string" && counter.value.toString("hex")).toBe("0500000000000000");
  });

  it("edits with update so the app reads the new value, keeping the TTL", async () => {
    await server.app({ op: "set", cache: "pages", key: k("edit.me"), value: k("old"), expires: 600 });
    await driver.write(k("pages:edit.me"), k("new value"));
    expect((await server.app({ op: "get", cache: "pages", key: k("edit.me") })).value?.toString()).toBe("new value");
    const [meta] = await driver.describe([k("pages:edit.me")]);
    expect(meta.ttlMs).toBeGreaterThan(590_000);
  });

  it("increments int64 counters by read-compute-update, and the app keeps counting from there", async () => {
    await server.app({ op: "inc", cache: "counters", key: k("visits"), amount: 40 });
    expect(await driver.increment(k("counters:visits"), 2)).toBe("42");
    expect((await server.app({ op: "num", cache: "counters", key: k("visits") })).num).toBe(42);
    await server.app({ op: "inc", cache: "counters", key: k("visits"), amount: 1 });
    expect(await driver.increment(k("counters:visits"), -50)).toBe("-7");
    expect((await server.app({ op: "num", cache: "counters", key: k("visits") })).num).toBe(-7);
    expect(driver.capabilities.atomicCounters).toBe(false);
  });

  it("changes and removes expiries", async () => {
    await server.app({ op: "set", cache: "pages", key: k("ttl"), value: k("v") });
    await driver.expire(k("pages:ttl"), 120_000);
    expect((await driver.describe([k("pages:ttl")]))[0].ttlMs).toBeGreaterThan(110_000);
    await driver.persist(k("pages:ttl"));
    expect((await driver.describe([k("pages:ttl")]))[0].ttlMs).toBeNull();
    expect((await server.app({ op: "get", cache: "pages", key: k("ttl") })).value?.toString()).toBe("v");
  });

  it("refuses keys, values and caches uWSGI cannot take, before sending anything", async () => {
    await expectCode(driver.write(k(`counters:${"x".repeat(33)}`), k("v")), "TOO_LARGE");
    await expectCode(driver.write(k("counters:big"), Buffer.alloc(65, 1)), "TOO_LARGE");
    await expectCode(driver.write(k("counters:empty"), Buffer.alloc(0)), "INVALID_ARGUMENT");
    await expectCode(driver.write(k("nosuchcache:k"), k("v")), "INVALID_ARGUMENT");
    await expectCode(driver.write(k("no-colon"), k("v")), "INVALID_ARGUMENT");
    await expectCode(driver.read(k("nosuchcache:k")), "NOT_FOUND");
    expect((await server.app({ op: "exists", cache: "counters", key: k("x".repeat(33)) })).ok).toBe(false);
    await driver.write(k("counters:fits"), Buffer.alloc(64, 1));
  });

  it("reports per-cache key counts and geometry", async () => {
    const stats = await driver.stats();
    expect(stats.keyspace.map((s) => s.name)).toEqual(["pages", "counters"]);
    expect(await driver.keyCount()).toBe(stats.keyspace.reduce((a, s) => a + s.keys, 0));
    expect(driver.capabilities.maxValueBytes).toBe(4096);
  });
});

describe("uWSGI on a unix socket", () => {
  let server: UwsgiServer;

  beforeAll(async () => {
    server = await startUwsgi([{ name: "local", items: 20, keysize: 64, blocksize: 256 }], { unixSocket: true });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("reads, writes and lists through the socket file", async () => {
    expect(server.address.startsWith("/")).toBe(true);
    const driver = createDriver({ kind: "uwsgi", settings: { address: server.address, statsAddress: server.statsAddress }, secrets: {}, timeoutMs: UWSGI_TEST_TIMEOUT_MS });
    await driver.write(k("local:greeting"), k("hello"));
    expect((await server.app({ op: "get", cache: "local", key: k("greeting") })).value?.toString()).toBe("hello");
    expect((await listAll(driver)).map((m) => m.key.toString())).toEqual(["local:greeting"]);
    await driver.dispose();
  });
});
