/**
 * A uWSGI started without its `cache` plugin answers every remote cache request by hanging up, which
 * reads like a miss. The driver must say what is wrong: on ping (the connection test), on listing, on a
 * key lookup and on a write, while the same uWSGI with the plugin keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriver } from "@/lib/drivers/registry";
import { fetchStats, hasCachePlugin, PLUGIN_MISSING_MESSAGE } from "@/lib/drivers/uwsgi/protocol";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";

const CACHES = [{ name: "appcache", items: 100, keysize: 256, blocksize: 4096 }];

describe("uWSGI with and without its cache plugin", () => {
  let withPlugin: UwsgiServer;
  let without: UwsgiServer;

  beforeAll(async () => {
    [withPlugin, without] = await Promise.all([startUwsgi(CACHES), startUwsgi(CACHES, { cachePlugin: false })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([withPlugin?.stop(), without?.stop()]);
  });

  it("tells the two apart with a probe", async () => {
    await expect(hasCachePlugin(withPlugin.address, UWSGI_TEST_TIMEOUT_MS)).resolves.toBe(true);
    await expect(hasCachePlugin(without.address, UWSGI_TEST_TIMEOUT_MS)).resolves.toBe(false);
  });

  it("pings, lists, reads and writes with the plugin", async () => {
    const driver = createDriver({ kind: "uwsgi", settings: { address: withPlugin.address, statsAddress: withPlugin.statsAddress }, secrets: {}, timeoutMs: UWSGI_TEST_TIMEOUT_MS });
    try {
      await driver.ping();
      await driver.write(Buffer.from("appcache:probe-ok"), Buffer.from("yes"));
      const meta = await driver.describe([Buffer.from("appcache:absent")]);
      expect(meta[0]!.exists).toBe(false);
      const page = await driver.scan({ match: Buffer.from("appcache:*") });
      expect(page.keys.map((k) => k.toString())).toContain("appcache:probe-ok");
      expect((await withPlugin.app({ op: "get", cache: "appcache", key: Buffer.from("probe-ok") })).value?.toString()).toBe("yes");
    } finally {
      await driver.dispose();
    }
  });

  it("checks for the plugin once, not on every ping or miss: the check is a read uWSGI counts as a miss", async () => {
    const misses = async () => (await fetchStats(withPlugin.statsAddress, UWSGI_TEST_TIMEOUT_MS)).caches?.find((c) => c.name === "appcache")?.miss ?? Number.NaN;
    const driver = createDriver({ kind: "uwsgi", settings: { address: withPlugin.address, statsAddress: withPlugin.statsAddress }, secrets: {}, timeoutMs: UWSGI_TEST_TIMEOUT_MS });
    try {
      const before = await misses();
      await driver.ping();
      const afterFirstPing = await misses();
      expect(afterFirstPing - before).toBeLessThanOrEqual(1);
      for (let i = 0; i < 5; i++) await driver.ping();
      await expect(driver.read(Buffer.from("appcache:absent-key"))).rejects.toMatchObject({ code: "NOT_FOUND" });
      // Five more pings add nothing; the real miss counts once, as the app's own miss would.
      expect((await misses()) - afterFirstPing).toBe(1);
    } finally {
      await driver.dispose();
    }
  });

  it("fails every operation with PLUGIN_MISSING and the fix without it", async () => {
    const driver = createDriver({ kind: "uwsgi", settings: { address: without.address, statsAddress: without.statsAddress }, secrets: {}, timeoutMs: UWSGI_TEST_TIMEOUT_MS });
    const missing = { code: "PLUGIN_MISSING", message: PLUGIN_MISSING_MESSAGE };
    try {
      await expect(driver.ping()).rejects.toMatchObject(missing);
      await expect(driver.scan({ match: Buffer.from("appcache:*") })).rejects.toMatchObject(missing);
      await expect(driver.describe([Buffer.from("appcache:user:1")])).rejects.toMatchObject(missing);
      await expect(driver.write(Buffer.from("appcache:new"), Buffer.from("v"), { ifAbsent: true })).rejects.toMatchObject(missing);
      // Nothing was written behind the error.
      expect((await without.app({ op: "get", cache: "appcache", key: Buffer.from("new") })).value ?? null).toBeNull();
    } finally {
      await driver.dispose();
    }
  });
});
