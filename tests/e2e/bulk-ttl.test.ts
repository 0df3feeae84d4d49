/**
 * Bulk expiry in Chromium on a production Redis seeded by redis-py: an editor selects keys and sets a TTL on
 * them (typed count), starts "set TTL where none" from a namespace (keys that had a TTL keep theirs), and
 * opens the same dialog from the analysis report's namespace row. Screenshots of both dialogs at 390, 1280
 * and 1920 px, light and dark.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { debianPython } from "../support/process";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const editor = { email: "editor@example.test", password: "correct horse battery" };
const viewer = { email: "viewer@example.test", password: "another horse battery" };

const SEED = `
import sys, redis
r = redis.Redis(port=int(sys.argv[1]))
p = r.pipeline(transaction=False)
for i in range(5): p.set(f"bt:plain:{i}", "v")
for i in range(3): p.set(f"bt:exp:{i}", "v", px=3600 * 1000)
for i in range(4): p.set(f"sel:{i}", "s")
for i in range(6): p.set(f"shot:{i}", "x")
p.set("shot:e", "x", ex=3600)
p.execute()
`;

describe("bulk expiry", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let id = "";
  const browsers: Browser[] = [];
  const open = async (options?: Parameters<typeof openBrowser>[0]) => {
    const browser = await openBrowser(options);
    browsers.push(browser);
    return browser.page;
  };

  beforeAll(async () => {
    [app, redis, memcached] = await Promise.all([startApp(), startRedis(), startMemcached(1)]);
    execFileSync(debianPython(), ["-c", SEED, String(redis.port)]);
    await app.db.user.create({ data: { email: editor.email, name: "Eddie", role: "editor", passwordHash: await hashPassword(editor.password) } });
    await app.db.user.create({ data: { email: viewer.email, name: "Vic", role: "viewer", passwordHash: await hashPassword(viewer.password) } });
    const row = await app.db.connectionProfile.create({
      data: { name: "shop cache", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }), environment: "production" },
    });
    id = row.id;
  });
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await redis?.stop();
    await memcached?.stop();
    await app?.stop();
  });

  it("an editor selects keys and sets a TTL on them; the cache holds it", async () => {
    const page = await open();
    await signInAs(page, app.url, editor.email, editor.password);
    await page.goto(`${app.url}/c/${id}`);
    await page.getByLabel("Filter keys").fill("sel:*");
    await page.getByTestId("key-count").filter({ hasText: /^4 keys loaded · all/ }).waitFor();
    await page.getByRole("button", { name: "Select all matching" }).click();
    await page.getByText("4 selected").waitFor();
    await page.getByRole("button", { name: "TTL…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("selection-ttl-preview").filter({ hasText: "4 selected keys have no TTL" }).waitFor();
    await dialog.getByLabel("Set this TTL on every selected key").check();
    await dialog.getByLabel("TTL (seconds)").fill("600");
    const apply = dialog.getByRole("button", { name: "Set TTL on 4 keys" });
    expect(await apply.isDisabled()).toBe(true);
    await dialog.getByLabel("Confirmation text").fill("4");
    await apply.click();
    await dialog.getByText(/4 updated · done/).waitFor();
    for (let i = 0; i < 4; i++) {
      const ttl = await redis.raw().pttl(`sel:${i}`);
      expect(ttl).toBeGreaterThan(500_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    }
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action: "keys.expire" } });
    expect(JSON.parse(entry.detail!)).toMatchObject({ selected: 4, count: 4, ttlMs: 600_000, pattern: "pattern sel:*" });
  });

  it("'Set TTL where none' on a namespace leaves keys that had a TTL with theirs", async () => {
    const page = await open();
    await signInAs(page, app.url, editor.email, editor.password);
    await page.goto(`${app.url}/c/${id}`);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByRole("treeitem", { name: "bt", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for bt", exact: true }).click();
    await page.getByRole("menuitem", { name: "Set TTL where none…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("no-ttl-preview").filter({ hasText: "5 keys of 8 keys have no TTL" }).waitFor();
    await dialog.getByLabel("TTL (seconds)").fill("900");
    await dialog.getByLabel("Confirmation text").fill("bt:");
    // Redis sets it in one step per key (PEXPIRE … NX): no note about a check and a touch.
    expect(await dialog.getByTestId("missing-ttl-note").count()).toBe(0);
    await screenshot(page, "bulk-namespace-ttl-where-none");
    await dialog.getByRole("button", { name: "Set TTL on 5 keys" }).click();
    await dialog.getByText(/5 updated · done/).waitFor();
    const raw = redis.raw();
    for (let i = 0; i < 5; i++) expect(await raw.pttl(`bt:plain:${i}`)).toBeLessThanOrEqual(900_000);
    for (let i = 0; i < 3; i++) expect(await raw.pttl(`bt:exp:${i}`)).toBeGreaterThan(3_000_000);
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action: "namespaces.expire" } });
    expect(JSON.parse(entry.detail!)).toMatchObject({ prefix: "bt:", count: 5, matched: 8, onlyWithoutTtl: true });
  });

  it("the report's namespace rows offer the bulk actions to editors, not to viewers; screenshots of both dialogs", async () => {
    const page = await open();
    await signInAs(page, app.url, editor.email, editor.password);
    await page.goto(`${app.url}/c/${id}/analysis`);
    await page.getByRole("button", { name: "Analyze keyspace" }).click();
    await page.getByTestId("analysis-report").waitFor({ timeout: 90_000 });
    await page.waitForURL(/\/analysis\?report=/);
    const reportUrl = page.url();
    expect(await page.getByLabel("Actions on shot:").count()).toBe(1);
    // The type mix carries OBJECT ENCODING's counts: 19 short strings are embstr.
    expect(await page.getByTestId("encoding-mix").first().textContent()).toBe("embstr 19");
    await page.getByTestId("namespace-table").scrollIntoViewIfNeeded();
    await screenshot(page, "bulk-report-namespace-actions");

    const viewerPage = await open();
    await signInAs(viewerPage, app.url, viewer.email, viewer.password);
    await viewerPage.goto(reportUrl);
    await viewerPage.getByTestId("namespace-table").waitFor();
    expect(await viewerPage.getByLabel("Actions on shot:").count()).toBe(0);

    for (const colorScheme of ["light", "dark"] as const) {
      for (const width of [390, 1280, 1920]) {
        const shot = await open({ colorScheme, viewport: { width, height: width === 390 ? 844 : 900 } });
        await signInAs(shot, app.url, editor.email, editor.password);
        await shot.goto(reportUrl);
        await shot.getByLabel("Actions on shot:").selectOption("expireMissing");
        const dialog = shot.getByRole("dialog");
        await dialog.getByTestId("no-ttl-preview").filter({ hasText: "6 keys of 7 keys have no TTL" }).waitFor();
        await screenshot(shot, `bulk-report-namespace-dialog-${width}-${colorScheme}`);
        await dialog.getByRole("button", { name: "Close" }).click();

        await shot.goto(`${app.url}/c/${id}`);
        await shot.getByLabel("Filter keys").fill("shot:*");
        await shot.getByTestId("key-count").filter({ hasText: /^7 keys loaded · all/ }).waitFor();
        await shot.getByRole("button", { name: "Select all matching" }).click();
        await shot.getByRole("button", { name: "TTL…" }).click();
        await shot.getByRole("dialog").getByTestId("selection-ttl-preview").filter({ hasText: "6 selected keys have no TTL" }).waitFor();
        await screenshot(shot, `bulk-selection-dialog-${width}-${colorScheme}`);
        await shot.getByRole("dialog").getByRole("button", { name: "Close" }).click();
      }
    }
    // memcached: the report shows its slab classes.
    for (let i = 0; i < 40; i++) await memcached.rawSet(Buffer.from(`mc:item:${i}`), Buffer.alloc(i < 20 ? 100 : 3000, 0x61));
    const mc = await app.db.connectionProfile.create({ data: { name: "sessions", kind: "memcached", settings: JSON.stringify({ servers: memcached.addresses }) } });
    await page.goto(`${app.url}/c/${mc.id}/analysis`);
    await page.getByRole("button", { name: "Analyze keyspace" }).click();
    const slabs = page.getByTestId("slab-table");
    await slabs.waitFor({ timeout: 90_000 });
    expect(await slabs.locator("tbody tr").count()).toBeGreaterThanOrEqual(2);
    await slabs.scrollIntoViewIfNeeded();
    await screenshot(page, "bulk-report-memcached-slabs");

    // Nothing was applied from the screenshots: shot:* keep no TTL.
    expect(await redis.raw().pttl("shot:0")).toBe(-1);
  });

  it("on memcached, 'Set TTL where none' says it checks then touches each key, and leaves keys that had a TTL with theirs", async () => {
    for (let i = 0; i < 3; i++) await memcached.rawSet(Buffer.from(`mcn:plain:${i}`), Buffer.from("v"));
    for (let i = 0; i < 2; i++) await memcached.rawSet(Buffer.from(`mcn:exp:${i}`), Buffer.from("v"), 3_600_000);
    const mc = await app.db.connectionProfile.create({ data: { name: "sessions ttl", kind: "memcached", settings: JSON.stringify({ servers: memcached.addresses }) } });
    const page = await open();
    await signInAs(page, app.url, editor.email, editor.password);
    await page.goto(`${app.url}/c/${mc.id}`);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByRole("treeitem", { name: "mcn", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for mcn", exact: true }).click();
    await page.getByRole("menuitem", { name: "Set TTL where none…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("no-ttl-preview").filter({ hasText: "3 keys of 5 keys have no TTL" }).waitFor();
    expect(await dialog.getByTestId("missing-ttl-note").textContent()).toMatch(/in two steps/);
    await dialog.getByLabel("TTL (seconds)").fill("900");
    await dialog.getByLabel("Confirmation text").fill("mcn:");
    await screenshot(page, "bulk-namespace-ttl-where-none-memcached");
    await dialog.getByRole("button", { name: "Set TTL on 3 keys" }).click();
    await dialog.getByText(/3 updated · done/).waitFor();
    const { createDriver } = await import("@/lib/drivers/registry");
    const driver = createDriver({ kind: "memcached", settings: { servers: memcached.addresses }, secrets: {} });
    try {
      const metas = await driver.describe([0, 1, 2].map((i) => Buffer.from(`mcn:plain:${i}`)).concat([0, 1].map((i) => Buffer.from(`mcn:exp:${i}`))));
      for (const meta of metas.slice(0, 3)) expect(meta.ttlMs).toBeLessThanOrEqual(900_000);
      for (const meta of metas.slice(0, 3)) expect(meta.ttlMs).toBeGreaterThan(0);
      for (const meta of metas.slice(3)) expect(meta.ttlMs).toBeGreaterThan(3_000_000);
    } finally {
      await driver.dispose();
    }
  });
});
