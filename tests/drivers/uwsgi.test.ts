import { createDriver } from "@/lib/drivers/registry";
import { freePort } from "../support/process";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS } from "../support/uwsgi";
import { type ConformanceTarget, runDriverConformance } from "./conformance";

/** The conformance keys start with `cbtest:`, which is the cache they land in. */
runDriverConformance("uwsgi", async (): Promise<ConformanceTarget> => {
  const server = await startUwsgi([
    { name: "cbtest", items: 1500, keysize: 512, blocksize: 65536 },
    { name: "sessions", items: 50, keysize: 64, blocksize: 1024 },
  ]);
  const split = (key: Buffer) => {
    const colon = key.indexOf(0x3a);
    return { cache: key.toString("latin1", 0, colon), key: key.subarray(colon + 1) };
  };
  const closedPort = await freePort();
  const driver = createDriver({ kind: "uwsgi", settings: { address: server.address, statsAddress: server.statsAddress }, secrets: {}, timeoutMs: UWSGI_TEST_TIMEOUT_MS });
  await driver.ping();
  return {
    driver,
    async rawSet(key, value, ttlMs) {
      const { ok } = await server.app({ op: "update", ...split(key), value, expires: ttlMs === undefined ? 0 : Math.ceil(ttlMs / 1000) });
      if (!ok) throw new Error("the uWSGI app could not store the value");
    },
    async rawGet(key) {
      return (await server.app({ op: "get", ...split(key) })).value ?? null;
    },
    connect: ({ timeoutMs }) => createDriver({ kind: "uwsgi", settings: { address: server.address, statsAddress: server.statsAddress }, secrets: {}, timeoutMs }),
    connectClosedPort: ({ timeoutMs }) =>
      createDriver({ kind: "uwsgi", settings: { address: `127.0.0.1:${closedPort}`, statsAddress: `127.0.0.1:${closedPort}` }, secrets: {}, timeoutMs }),
    pause: () => server.pause(),
    resume: () => server.resume(),
    teardown: () => server.stop(),
  };
});
