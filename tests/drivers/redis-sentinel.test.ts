import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriver } from "@/lib/drivers/registry";
import type { Driver } from "@/lib/drivers/types";
import { freePort } from "@/tests/support/process";
import { startRedisSentinel, type RedisSentinelHandle } from "@/tests/support/redis";
import { expectCode, runDriverConformance } from "./conformance";

function sentinelDriver(handle: RedisSentinelHandle, options: { timeoutMs?: number; sentinelPorts?: number[]; sentinelPassword?: string } = {}): Driver {
  return createDriver({
    kind: "redis-sentinel",
    settings: {
      masterName: handle.masterName,
      sentinels: (options.sentinelPorts ?? handle.sentinels.map((s) => s.port)).map((port) => ({ host: "127.0.0.1", port })),
    },
    secrets: { password: handle.password, sentinelPassword: options.sentinelPassword ?? handle.sentinelPassword },
    timeoutMs: options.timeoutMs ?? 5000,
  });
}

runDriverConformance("redis under sentinel", async () => {
  const handle = await startRedisSentinel();
  const raw = handle.primary.raw();
  const closedPort = await freePort();
  return {
    driver: sentinelDriver(handle),
    rawSet: async (key, value, ttlMs) => {
      if (ttlMs) await raw.set(key, value, "PX", ttlMs);
      else await raw.set(key, value);
    },
    rawGet: (key) => raw.getBuffer(key),
    connect: ({ timeoutMs }) => sentinelDriver(handle, { timeoutMs }),
    connectClosedPort: ({ timeoutMs }) => sentinelDriver(handle, { timeoutMs, sentinelPorts: [closedPort] }),
    pause: () => handle.primary.pause(),
    resume: () => handle.primary.resume(),
    teardown: () => handle.stop(),
  };
});

describe("redis under sentinel: failover", () => {
  let handle: RedisSentinelHandle;
  let driver: Driver;
  const opened: Driver[] = [];

  beforeAll(async () => {
    handle = await startRedisSentinel();
    driver = sentinelDriver(handle);
    opened.push(driver);
  });
  afterAll(async () => {
    await Promise.all(opened.map((d) => d.dispose()));
    await handle?.stop();
  });

  it("finds the primary through the sentinels and writes to it", async () => {
    await driver.write(Buffer.from("sentinel:k"), Buffer.from("v1"), { ttlMs: 60_000 });
    const raw = handle.primary.raw();
    expect(await raw.get("sentinel:k")).toBe("v1");
    const [meta] = await driver.describe([Buffer.from("sentinel:k")]);
    expect(meta.ttlMs).toBeGreaterThan(50_000);
    expect((await driver.stats()).detail.role).toBe("master");
  });

  it("reports AUTH_FAILED for a wrong sentinel password", async () => {
    const wrong = sentinelDriver(handle, { sentinelPassword: "wrong", timeoutMs: 2000 });
    opened.push(wrong);
    let caught: unknown;
    try {
      await wrong.ping();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeDefined();
    expect((caught as { code: string }).code).toMatch(/AUTH_FAILED|CONNECTION_REFUSED/);
  });

  it("answers CONNECTION_REFUSED when no sentinel is reachable", async () => {
    const none = sentinelDriver(handle, { sentinelPorts: [await freePort()], timeoutMs: 2000 });
    opened.push(none);
    const started = Date.now();
    await expectCode(none.ping(), "CONNECTION_REFUSED");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("follows the new primary after a failover", async () => {
    const before = await handle.currentPrimaryPort();
    expect(before).toBe(handle.primary.port);
    await driver.write(Buffer.from("failover:before"), Buffer.from("1"));
    const after = await handle.failover();
    expect(after).toBe(handle.replica.port);

    // The first calls may land on the demoted primary or a dropped socket; the driver must get to the new
    // primary by itself, without being recreated.
    let written = false;
    const deadline = Date.now() + 20_000;
    while (!written && Date.now() < deadline) {
      try {
        await driver.write(Buffer.from("failover:after"), Buffer.from("2"));
        written = true;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(written).toBe(true);
    const promoted = new Redis({ host: "127.0.0.1", port: after, password: handle.password, protocol: 2 });
    try {
      expect(await promoted.get("failover:after")).toBe("2");
      expect(await promoted.get("failover:before")).toBe("1");
    } finally {
      promoted.disconnect();
    }
    expect((await driver.stats()).detail.role).toBe("master");
  });
});
