/**
 * The Server tab's admin actions and the views tests/e2e/server-views.test.ts leaves out, in Chromium on real
 * servers: an admin resets the slow log and kills a named client (each confirmed, each then in the audit log),
 * while a viewer is offered neither; a Sentinel setup's current primary, replica and sentinels; a cluster
 * primary's replica in the node view; the uWSGI stats server's cache section. Screenshots at 390, 1280 and
 * 1920 px.
 */
import { Redis } from "ioredis";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { startRedis, startRedisCluster, startRedisSentinel, type RedisClusterHandle, type RedisSentinelHandle, type RedisServer } from "../support/redis";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const viewer = { email: "viewer@example.test", password: "another horse battery" };
const SIZES = [
  [390, 844],
  [1280, 800],
  [1920, 1080],
] as const;

describe("server tab: admin actions, Sentinel, cluster replicas and uWSGI", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let sentinel: RedisSentinelHandle;
  let cluster: RedisClusterHandle;
  let uwsgi: UwsgiServer;
  const browsers: Browser[] = [];
  const ids = { redis: "", sentinel: "", cluster: "", uwsgi: "" };

  async function signedIn(person: { email: string; password: string }): Promise<Page> {
    const browser = await openBrowser();
    browsers.push(browser);
    await signInAs(browser.page, app.url, person.email, person.password);
    return browser.page;
  }

  async function newestAuditSummary(page: Page): Promise<string> {
    await page.goto(`${app.url}/audit`);
    return (await page.locator("li[data-testid^=audit-entry-]").first().locator("summary").textContent()) ?? "";
  }

  beforeAll(async () => {
    [app, redis, sentinel, cluster, uwsgi] = await Promise.all([
      startApp(),
      startRedis(),
      startRedisSentinel(),
      startRedisCluster({ replicas: 1 }),
      startUwsgi([{ name: "pages", items: 100, blocksize: 4096 }]),
    ]);
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    await app.db.user.create({ data: { email: viewer.email, name: "Vic", role: "viewer", passwordHash: await hashPassword(viewer.password) } });
    // The Sentinel passwords are sealed with the app's own key, as the connection form would store them.
    process.env.CACHEBOARD_SECRET_KEY = app.secretKey;
    const { sealSecrets } = await import("@/lib/secrets");
    const create = async (name: string, kind: string, settings: unknown, extra: Record<string, unknown> = {}) =>
      (await app.db.connectionProfile.create({ data: { name, kind, settings: JSON.stringify(settings), ...extra } })).id;
    ids.redis = await create("redis", "redis", { host: "127.0.0.1", port: redis.port });
    ids.sentinel = await create(
      "sentinel",
      "redis-sentinel",
      { masterName: sentinel.masterName, sentinels: sentinel.sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })) },
      { secret: sealSecrets({ password: sentinel.password, sentinelPassword: sentinel.sentinelPassword }) },
    );
    ids.cluster = await create("cluster", "redis-cluster", { nodes: [{ host: "127.0.0.1", port: cluster.ports[0] }] });
    ids.uwsgi = await create("uwsgi", "uwsgi", { address: uwsgi.address, statsAddress: uwsgi.statsAddress }, { timeoutMs: UWSGI_TEST_TIMEOUT_MS });
  }, 120_000);
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await Promise.all([redis?.stop(), sentinel?.stop(), cluster?.stop(), uwsgi?.stop()]);
    await app?.stop();
  });

  it("an admin resets the slow log, confirmed, and the reset is in the audit log", async () => {
    const raw = redis.raw();
    await raw.config("SET", "slowlog-log-slower-than", "0");
    await raw.set("slow:marker", "v");
    await raw.config("SET", "slowlog-log-slower-than", "1000000");
    const page = await signedIn(admin);
    await page.goto(`${app.url}/c/${ids.redis}/server?view=slowlog`);
    const marker = page.getByRole("table", { name: "Slow log entries" }).getByText("slow:marker");
    await marker.waitFor();
    await page.getByRole("button", { name: "Reset slow log" }).click();
    await page.getByRole("dialog", { name: "Reset the slow log?" }).getByRole("button", { name: "Reset", exact: true }).click();
    await page.getByText("The slow log is empty.").waitFor();
    expect(await raw.slowlog("LEN")).toBe(0);
    expect(await newestAuditSummary(page)).toContain("server.slowlog-reset");
  });

  it("an admin kills a named client, confirmed, and the kill is in the audit log", async () => {
    const victim = new Redis({ port: redis.port, lazyConnect: true, retryStrategy: () => null });
    victim.on("error", () => undefined);
    await victim.connect();
    await victim.client("SETNAME", "victim-client");
    try {
      const page = await signedIn(admin);
      await page.goto(`${app.url}/c/${ids.redis}/server?view=clients`);
      const row = page.getByRole("table", { name: "Clients" }).getByRole("row").filter({ hasText: "victim-client" });
      await row.waitFor();
      await row.getByRole("button", { name: "Kill" }).click();
      await page.getByRole("dialog", { name: "Disconnect this client?" }).getByRole("button", { name: "Kill client" }).click();
      await row.waitFor({ state: "detached" });
      expect(String(await redis.raw().client("LIST"))).not.toContain("victim-client");
      expect(await newestAuditSummary(page)).toContain("server.client-kill");
    } finally {
      victim.disconnect();
    }
  });

  it("a viewer sees the slow log and the clients with neither reset nor kill", async () => {
    const page = await signedIn(viewer);
    await page.goto(`${app.url}/c/${ids.redis}/server?view=clients`);
    await page.getByRole("table", { name: "Clients" }).waitFor();
    await expect(page.getByRole("button", { name: "Kill" }).count()).resolves.toBe(0);
    await page.goto(`${app.url}/c/${ids.redis}/server?view=slowlog`);
    await page.getByRole("region", { name: "Slow log" }).waitFor();
    await expect(page.getByRole("button", { name: "Reset slow log" }).count()).resolves.toBe(0);
  });

  it("shows Sentinel's current primary, its replica and the sentinels, a cluster's replica and uWSGI's caches, at every width", async () => {
    await uwsgi.app({ op: "set", cache: "pages", key: Buffer.from("home"), value: Buffer.from("<html>") });
    const page = await signedIn(admin);
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });

      await page.goto(`${app.url}/c/${ids.sentinel}/server?view=sentinel`);
      await page.getByTestId("sentinel-primary").filter({ hasText: `127.0.0.1:${await sentinel.currentPrimaryPort()}` }).waitFor();
      const members = page.getByRole("table", { name: `Replicas and sentinels of ${sentinel.masterName}` });
      await members.getByRole("row").filter({ hasText: `127.0.0.1:${sentinel.replica.port}` }).filter({ hasText: "replica" }).waitFor();
      await expect(members.getByRole("row").filter({ hasText: "sentinel" }).count()).resolves.toBe(sentinel.sentinels.length);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `server-sentinel-${width}`);

      await page.goto(`${app.url}/c/${ids.cluster}/server?view=nodes`);
      await page.getByText("3 primaries, 1 replica; 16,384 of 16,384 slots assigned.").waitFor();
      const replicaRow = page.getByRole("table", { name: "Cluster nodes" }).getByRole("row").filter({ hasText: `127.0.0.1:${cluster.replicas[0].port}` });
      await replicaRow.filter({ hasText: `of 127.0.0.1:${cluster.nodes[0].port}` }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `server-cluster-replica-${width}`);

      await page.goto(`${app.url}/c/${ids.uwsgi}/server?view=uwsgi`);
      const caches = page.getByRole("table", { name: "uWSGI caches" });
      await caches.getByRole("row").filter({ hasText: "pages" }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `server-uwsgi-${width}`);
    }
  }, 300_000);
});
