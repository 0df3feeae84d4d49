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
