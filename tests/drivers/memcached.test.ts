import { createDriver } from "@/lib/drivers/registry";
import { freePort } from "../support/process";
import { startMemcached } from "../support/memcached";
import { type ConformanceTarget, runDriverConformance } from "./conformance";

async function target(count: number): Promise<ConformanceTarget> {
  const cluster = await startMemcached(count);
  const closedPort = await freePort();
  return {
    driver: createDriver({ kind: "memcached", settings: { servers: cluster.addresses }, secrets: {} }),
    rawSet: (key, value, ttlMs) => cluster.rawSet(key, value, ttlMs),
    rawGet: (key) => cluster.rawGet(key),
    connect: ({ timeoutMs }) => createDriver({ kind: "memcached", settings: { servers: cluster.addresses }, secrets: {}, timeoutMs }),
    connectClosedPort: ({ timeoutMs }) => createDriver({ kind: "memcached", settings: { servers: [`127.0.0.1:${closedPort}`] }, secrets: {}, timeoutMs }),
    pause: () => cluster.pause(),
    resume: () => cluster.resume(),
    teardown: () => cluster.stop(),
  };
}

runDriverConformance("memcached", () => target(1));
runDriverConformance("memcached pool of two", () => target(2));
