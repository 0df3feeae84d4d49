/**
 * The same key browser on memcached and a uWSGI cache: list the keys, filter, open one, delete it. Both
 * backends have no key types, so the screens run on their capabilities alone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { startUwsgi, type UwsgiServer } from "../support/uwsgi";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };

describe("key browser on memcached and uWSGI", () => {
  let app: RunningApp;
  let browser: Browser;
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;

  beforeAll(async () => {
    [app, memcached, uwsgi] = await Promise.all([startApp(), startMemcached(1), startUwsgi([{ name: "pages", items: 100, keysize: 256, blocksize: 4096 }])]);
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await uwsgi?.stop();
    await memcached?.stop();
    await app?.stop();
  });

  it("lists, opens and deletes a memcached key", async () => {
    for (let i = 0; i < 5; i++) await memcached.rawSet(Buffer.from(`:1:session:${i}`), Buffer.from(`{"user": ${i}}`), 600_000);
    await memcached.rawSet(Buffer.from(":1:hits"), Buffer.from("42"), undefined, 2);
    const { id } = await app.db.connectionProfile.create({
      data: { name: "memcached", kind: "memcached", settings: JSON.stringify({ servers: memcached.addresses }) },
    });
    const { page } = browser;
    await page.goto(`${app.url}/c/${id}`);
    await page.getByTestId("namespace-tree").getByText("6 keys · done").waitFor();
    const row = page.locator('[role=row][data-key=":1:session:3"]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("JSON");
    await screenshot(page, "browser-memcached");
    await row.click({ modifiers: ["Control"] });
    await page.getByRole("button", { name: "Delete 1" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByTestId("key-count").filter({ hasText: /^5 keys loaded/ }).waitFor();
    expect(await memcached.rawGet(Buffer.from(":1:session:3"))).toBeNull();
  });

  it("lists, filters and bulk-deletes uWSGI cache keys", async () => {
    for (let i = 0; i < 4; i++) await uwsgi.app({ op: "set", cache: "pages", key: Buffer.from(`page:${i}`), value: Buffer.from(`<html>${i}</html>`), expires: 600 });
    await uwsgi.app({ op: "inc", cache: "pages", key: Buffer.from("views"), amount: 3 });
    const { id } = await app.db.connectionProfile.create({
      data: { name: "uwsgi", kind: "uwsgi", settings: JSON.stringify({ address: uwsgi.address, statsAddress: uwsgi.statsAddress }) },
    });
    const { page } = browser;
    await page.goto(`${app.url}/c/${id}`);
    await page.getByTestId("namespace-tree").getByText("uWSGI cache").first().waitFor();
    await page.locator('[role=row][data-key="pages:views"]').waitFor();
    await expect(page.locator('[role=row][data-key="pages:views"]').textContent()).resolves.toContain("int64");
    await page.getByLabel("Filter keys").fill("pages:page:*");
    await page.getByTestId("key-count").filter({ hasText: /^4 keys loaded · all/ }).waitFor();
    await page.getByRole("button", { name: "Select all matching" }).click();
    await page.getByText("4 selected").waitFor();
    await screenshot(page, "browser-uwsgi");
    await page.getByRole("button", { name: "Delete 4" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByText("No keys match this filter").waitFor();
    for (let i = 0; i < 4; i++) expect((await uwsgi.app({ op: "exists", cache: "pages", key: Buffer.from(`page:${i}`) })).ok).toBe(false);
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action: "keys.delete", connectionId: id } });
    expect(JSON.parse(entry.detail!)).toMatchObject({ count: 4, pattern: "pattern pages:page:*" });
  });
});
