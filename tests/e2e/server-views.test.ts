/**
 * The Server tab in Chromium on a real Redis and a real memcached: INFO searched, the slow log with a binary
 * argument, the config with its password redacted, memcached's stats per server; and the key browser's db
 * switcher browsing database 3. Screenshots at 390, 1280 and 1920 px in both themes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { startRedis, startRedisCluster, type RedisClusterHandle, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const PASSWORD = "e2e-requirepass";
const SIZES = [
  [1920, 1080],
  [1280, 800],
  [390, 844],
] as const;

describe("server tab", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let cluster: RedisClusterHandle;
  const browsers: Browser[] = [];
  const ids = { redis: "", memcached: "", cluster: "" };

  async function signedIn(colorScheme: "light" | "dark" = "light") {
    const browser = await openBrowser({ colorScheme });
    browsers.push(browser);
    await signInAs(browser.page, app.url, admin.email, admin.password);
    return browser.page;
  }

  beforeAll(async () => {
    [app, redis, memcached, cluster] = await Promise.all([startApp(), startRedis({ password: PASSWORD }), startMemcached(2), startRedisCluster()]);
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    // The profile's password is sealed with the app's own key, as the connection form would store it.
    process.env.CACHEBOARD_SECRET_KEY = app.secretKey;
    const { sealSecrets } = await import("@/lib/secrets");
    ids.redis = (
      await app.db.connectionProfile.create({
        data: { name: "redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port, db: 0 }), secret: sealSecrets({ password: PASSWORD }) },
      })
    ).id;
    ids.cluster = (await app.db.connectionProfile.create({ data: { name: "cluster", kind: "redis-cluster", settings: JSON.stringify({ nodes: [{ host: "127.0.0.1", port: cluster.ports[0] }] }) } })).id;
    ids.memcached = (await app.db.connectionProfile.create({ data: { name: "memcached pool", kind: "memcached", settings: JSON.stringify({ servers: memcached.addresses }) } })).id;
    const raw = redis.raw();
    await raw.config("SET", "slowlog-log-slower-than", "0");
    await raw.set(Buffer.from([0x6b, 0xff, 0x00]), "binary");
    await raw.mset("app:user:1", "a", "app:user:2", "b");
    await raw.select(3);
    await raw.mset("third:x", "1", "third:y", "2", "third:z", "3");
    await raw.select(0);
    await memcached.rawSet(Buffer.from("mc:1"), Buffer.from("v"));
  });
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await Promise.all([redis?.stop(), memcached?.stop(), cluster?.stop()]);
    await app?.stop();
  });

  it("opens the Server tab on Redis, searches INFO and shows the slow log and the redacted config", async () => {
    const page = await signedIn();
    await page.goto(`${app.url}/c/${ids.redis}`);
    // Exact: the sidebar's status dots name the server version ("Reachable, 1 ms, server 7.0").
    await page.getByRole("link", { name: "Server", exact: true }).click();
    await page.waitForURL(`${app.url}/c/${ids.redis}/server`);
    await page.getByRole("region", { name: "Server" }).waitFor();
    await page.getByLabel("Search INFO").fill("redis_version");
    await expect(page.getByRole("region", { name: "Server" }).getByText("redis_version").isVisible()).resolves.toBe(true);
    await expect(page.getByRole("region", { name: "Memory" }).count()).resolves.toBe(0);
    await page.getByText("1 fields in 1 sections").waitFor();

    await page.getByRole("button", { name: "Slow log" }).click();
    await page.waitForURL(/view=slowlog/);
    const binary = page.getByRole("table", { name: "Slow log entries" }).getByText("k\\xff\\x00", { exact: true });
    await binary.first().waitFor();
    await page.getByRole("button", { name: "Reset slow log" }).waitFor();

    await page.getByRole("button", { name: "Config" }).click();
    await page.getByLabel("Search config").fill("requirepass");
    await page.getByRole("table", { name: "Configuration" }).getByText("redacted").waitFor();
    expect(await page.content()).not.toContain(PASSWORD);
  });

  it("opens memcached's stats per server of the pool", async () => {
    const page = await signedIn();
    await page.goto(`${app.url}/c/${ids.memcached}/server`);
    for (const address of memcached.addresses) await page.getByRole("region", { name: address }).waitFor();
    await page.getByRole("button", { name: "stats slabs" }).click();
    await page.getByRole("table", { name: /^slabs of / }).first().waitFor();
    await page.getByRole("button", { name: "stats settings" }).click();
    await page.getByRole("table", { name: `settings of ${memcached.addresses[0]}` }).getByText("maxbytes").waitFor();
  });

  it("shows a cluster's nodes and which node holds a key, with no db switcher", async () => {
    const page = await signedIn();
    await page.goto(`${app.url}/c/${ids.cluster}/server`);
    await page.getByText("3 primaries, 0 replicas; 16,384 of 16,384 slots assigned.").waitFor();
    await page.getByLabel("Key name").fill("user:{42}:profile");
    await page.getByRole("button", { name: "Look up" }).click();
    const raw = cluster.nodes[0].raw();
    const slot = await raw.cluster("KEYSLOT", "user:{42}:profile").finally(() => raw.disconnect());
    await page.getByTestId("key-node-answer").filter({ hasText: `is in slot ${slot}, served by 127.0.0.1:` }).waitFor();
    await screenshot(page, "server-cluster-nodes");
    await page.goto(`${app.url}/c/${ids.cluster}`);
    await page.getByTestId("key-browser").waitFor();
    await expect(page.getByLabel("Database").count()).resolves.toBe(0);
  });

  it("switches the key browser to db 3 and lists db 3's keys only", async () => {
    const page = await signedIn();
    await page.goto(`${app.url}/c/${ids.redis}`);
    const select = page.getByLabel("Database");
    await select.waitFor();
    await expect(select.locator("option", { hasText: "db3 · 3 keys" }).count()).resolves.toBe(1);
    await page.locator('[role=row][data-key="app:user:1"]').waitFor();
    await select.selectOption("3");
    await page.waitForURL(`${app.url}/c/${ids.redis}?db=3`);
    await page.locator('[role=row][data-key="third:x"]').waitFor();
    await page.getByTestId("key-count").filter({ hasText: /^3 keys loaded/ }).waitFor();
    await expect(page.locator('[role=row][data-key="app:user:1"]').count()).resolves.toBe(0);
    await page.getByTestId("namespace-tree").getByText("third").first().waitFor();
    await screenshot(page, "server-db-switcher");
  });

  for (const theme of ["light", "dark"] as const) {
    it(`looks right at 390, 1280 and 1920 px in the ${theme} theme`, async () => {
      const page = await signedIn(theme);
      for (const [width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        for (const [id, view, name, ready] of [
          [ids.redis, "info", "redis-info", "Keyspace"],
          [ids.redis, "slowlog", "redis-slowlog", "Slow log"],
          [ids.redis, "clients", "redis-clients", "Clients"],
          [ids.memcached, "memcached", "memcached", memcached.addresses[1]],
        ] as const) {
          await page.goto(`${app.url}/c/${id}/server?view=${view}`);
          await page.getByRole("region", { name: ready }).first().waitFor();
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
          await screenshot(page, `server-${name}-${width}-${theme}`);
        }
      }
    });
  }
});
