import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ABSENT_DIGEST, valueDigest } from "@/lib/drivers/digest";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { freePort } from "@/tests/support/process";
import { startRedis, startRedisTls, startRedisWithAcl, type RedisServer } from "@/tests/support/redis";
import { expectCode, runDriverConformance, type ConformanceTarget } from "./conformance";

function target(server: RedisServer, closedPort: number, driverFor: (timeoutMs: number, port?: number) => Driver): ConformanceTarget {
  const raw = server.raw();
  return {
    driver: driverFor(5000),
    rawSet: async (key, value, ttlMs) => {
      if (ttlMs) await raw.set(key, value, "PX", ttlMs);
      else await raw.set(key, value);
    },
    rawGet: (key) => raw.getBuffer(key),
    connect: ({ timeoutMs }) => driverFor(timeoutMs),
    connectClosedPort: ({ timeoutMs }) => driverFor(timeoutMs, closedPort),
    pause: () => server.pause(),
    resume: () => server.resume(),
    teardown: () => server.stop(),
  };
}

runDriverConformance("redis standalone", async () => {
  const server = await startRedis();
  const closedPort = await freePort();
  return target(server, closedPort, (timeoutMs, port = server.port) =>
    createDriver({ kind: "redis", settings: { host: "127.0.0.1", port }, secrets: {}, timeoutMs }),
  );
});

runDriverConformance("redis with an ACL user", async () => {
  const server = await startRedisWithAcl("cacheboard", "acl-secret");
  const closedPort = await freePort();
  return target(server, closedPort, (timeoutMs, port = server.port) =>
    createDriver({
      kind: "redis",
      settings: { url: `redis://cacheboard@127.0.0.1:${port}/0` },
      secrets: { password: "acl-secret" },
      timeoutMs,
    }),
  );
});

runDriverConformance("redis over TLS with a client certificate", async () => {
  const server = await startRedisTls({ mutual: true });
  const closedPort = await freePort();
  const ca = readFileSync(server.tls.ca, "utf8");
  const cert = readFileSync(server.tls.clientCert, "utf8");
  const key = readFileSync(server.tls.clientKey, "utf8");
  return target(server, closedPort, (timeoutMs, port = server.port) =>
    createDriver({
      kind: "redis",
      settings: { host: "127.0.0.1", port, tls: { ca, cert, servername: "localhost" } },
      secrets: { tlsKey: key },
      timeoutMs,
    }),
  );
});

describe("redis authentication, TLS and settings", () => {
  let acl: RedisServer;
  let tls: Awaited<ReturnType<typeof startRedisTls>>;
  const opened: Driver[] = [];
  const open = (config: Parameters<typeof createDriver>[0]) => {
    const driver = createDriver({ timeoutMs: 2000, ...config });
    opened.push(driver);
    return driver;
  };

  beforeAll(async () => {
    // One after the other, so a failure of the second still leaves the first for afterAll to stop.
    acl = await startRedisWithAcl("reader", "right");
    tls = await startRedisTls();
  });
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.dispose()));
    await Promise.all([acl?.stop(), tls?.stop()]);
  });

  it("reports AUTH_FAILED for a wrong password or a disabled default user", async () => {
    const settings = { host: "127.0.0.1", port: acl.port, username: "reader" };
    await expectCode(open({ kind: "redis", settings, secrets: { password: "wrong" } }).ping(), "AUTH_FAILED");
    await expectCode(open({ kind: "redis", settings: { host: "127.0.0.1", port: acl.port }, secrets: {} }).ping(), "AUTH_FAILED");
  });

  it("reports TLS_FAILED for a server certificate from an unknown CA", async () => {
    const driver = open({ kind: "redis", settings: { url: `rediss://127.0.0.1:${tls.port}` }, secrets: {} });
    await expectCode(driver.ping(), "TLS_FAILED");
  });

  it("talks TLS to a self-signed server when verification is off", async () => {
    const driver = open({ kind: "redis", settings: { host: "127.0.0.1", port: tls.port, tls: { verify: false } }, secrets: {} });
    expect((await driver.ping()).version).toMatch(/^\d+\.\d+/);
  });

  it("lists and reads as an ACL user without scripting, and is refused writes with FORBIDDEN", async () => {
    const server = await startRedis({
      args: ["--user", "reader", "on", ">read-only", "~*", "+@read", "+@connection", "-@scripting"],
    });
    try {
      const raw = server.raw();
      const big = Buffer.alloc(100_000, 0x61);
      await raw.set(Buffer.from([0xff, 0x00, 0x6b]), big, "PX", 60_000);
      await raw.hset("acl:hash", "f", "v");
      const reader = open({ kind: "redis", settings: { host: "127.0.0.1", port: server.port, username: "reader" }, secrets: { password: "read-only" } });
      const metas = await reader.describe([Buffer.from([0xff, 0x00, 0x6b]), Buffer.from("acl:hash"), Buffer.from("nope")]);
      expect(metas.map((m) => [m.type, m.size, m.length, m.exists])).toEqual([
        ["string", 100_000, null, true],
        ["hash", expect.any(Number), 1, true],
        ["unknown", null, null, false],
      ]);
      expect(metas[0].ttlMs).toBeGreaterThan(50_000);
      const read = await reader.read(Buffer.from([0xff, 0x00, 0x6b]), { offset: 10, limit: 5 });
      expect(read).toMatchObject({ type: "string", offset: 10, total: 100_000, digest: valueDigest(big) });
      expect(read.type === "string" && read.value.toString()).toBe("aaaaa");
      await expectCode(reader.write(Buffer.from("acl:new"), Buffer.from("x")), "FORBIDDEN");
      await expectCode(reader.write(Buffer.from("acl:hash"), Buffer.from("x"), { expect: ABSENT_DIGEST }), "FORBIDDEN");
    } finally {
      await server.stop();
    }
  });

  it("refuses invalid settings with INVALID_ARGUMENT", () => {
    expect(() => createDriver({ kind: "redis", settings: { port: "x" }, secrets: {} })).toThrow(/port/);
    expect(() => createDriver({ kind: "redis", settings: { url: "redis://:pw@host:1" }, secrets: {} })).toThrow(/password/);
    expect(() => createDriver({ kind: "redis-cluster", settings: { nodes: [] }, secrets: {} })).toThrow(/nodes/);
  });
});

describe("redis analysis probes", () => {
  let server: RedisServer;
  const opened: Driver[] = [];
  const open = (username?: string) => {
    const driver = createDriver({ kind: "redis", settings: { host: "127.0.0.1", port: server.port, ...(username ? { username } : {}) }, secrets: username ? { password: "pw" } : {}, timeoutMs: 5000 });
    opened.push(driver);
    return driver;
  };

  beforeAll(async () => {
    // Two users an operator might hand Cacheboard: one that may run scripts but not MEMORY, one that may do neither.
    server = await startRedis({
      args: [
        ...["--user", "scripted", "on", ">pw", "~*", "+@read", "+@connection", "+@scripting", "-memory"],
        ...["--user", "plain", "on", ">pw", "~*", "+@read", "+@connection", "-@scripting", "-memory"],
      ],
    });
    const raw = server.raw();
    const pipeline = raw.pipeline();
    for (let i = 0; i < 120; i++) pipeline.set(`probe:s:${i}`, "x".repeat(i), "PX", 600_000);
    pipeline.hset("probe:h", "a", "1", "b", "2");
    pipeline.rpush("probe:l", "a", "b", "c");
    pipeline.set("probe:n", "12345");
    await pipeline.exec();
  });
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.dispose()));
    await server?.stop();
  });

  const keys = () => [...Array.from({ length: 120 }, (_, i) => Buffer.from(`probe:s:${i}`)), Buffer.from("probe:h"), Buffer.from("probe:l"), Buffer.from("probe:n"), Buffer.from("probe:gone")];

  it("inspects keys with one script call per fifty keys, saying what describe, MEMORY USAGE and OBJECT ENCODING say", async () => {
    const driver = open();
    const raw = server.raw();
    const calls = async () => {
      const stats = String(await raw.info("commandstats"));
      return [...stats.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[2]), 0);
    };
    await driver.inspect!(keys().slice(0, 1)); // loads the script (a first EVALSHA answers NOSCRIPT)
    const before = await calls();
    const inspected = await driver.inspect!(keys());
    expect((await calls()) - before).toBe(3);

    const [described, memory, encodings] = await Promise.all([driver.describe(keys()), driver.memoryUsage!(keys()), driver.encodings!(keys())]);
    expect(inspected.map((row) => row.memoryUsage)).toEqual(memory);
    expect(inspected.map((row) => row.encoding)).toEqual(encodings);
    inspected.forEach((row, i) => {
      expect(row.key).toEqual(described[i].key);
      expect([row.exists, row.type, row.length]).toEqual([described[i].exists, described[i].type, described[i].length]);
      if (row.type === "string") expect(row.size).toBe(described[i].size);
      if (row.ttlMs !== null) expect(Math.abs(row.ttlMs - described[i].ttlMs!)).toBeLessThan(5_000);
      else expect(described[i].ttlMs).toBeNull();
    });
    expect(inspected.at(-1)).toMatchObject({ exists: false, memoryUsage: null, encoding: null });
    expect(inspected.at(-2)).toMatchObject({ type: "string", encoding: "int", ttlMs: null });
    expect(inspected.at(-4)).toMatchObject({ type: "hash", length: 2, encoding: expect.stringMatching(/listpack|ziplist/) });
    expect(await driver.inspect!([])).toEqual([]);
  });

  it("leaves memory out where an ACL refuses MEMORY, with or without scripting, and still describes every key", async () => {
    const full = await open().inspect!(keys());
    for (const user of ["scripted", "plain"]) {
      const rows = await open(user).inspect!(keys());
      expect(rows.map((row) => row.memoryUsage), user).toEqual(rows.map(() => null));
      expect(rows.map((row) => [row.exists, row.type, row.length, row.encoding]), user).toEqual(full.map((row) => [row.exists, row.type, row.length, row.encoding]));
    }
  });

  it("sets a TTL only where none is set with the script servers before Redis 7 run (PEXPIRE … NX's stand-in)", async () => {
    const { EXPIRE_IF_NO_TTL_SCRIPT } = await import("@/lib/drivers/redis/scripts");
    const raw = server.raw();
    await raw.set("nx:bare", "v");
    await raw.set("nx:timed", "v", "PX", 900_000);
    const run = (key: string) => raw.eval(EXPIRE_IF_NO_TTL_SCRIPT.lua, 1, key, 60_000);
    expect(await run("nx:bare")).toBe(1);
    expect(await run("nx:timed")).toBe(0);
    expect(await run("nx:gone")).toBe(0);
    expect(await raw.pttl("nx:bare")).toBeGreaterThan(50_000);
    expect(await raw.pttl("nx:bare")).toBeLessThanOrEqual(60_000);
    expect(await raw.pttl("nx:timed")).toBeGreaterThan(800_000);
    expect(await raw.exists("nx:gone")).toBe(0);
  });
});
