/**
 * The key pane on memcached and on a uWSGI cache, against real servers: read what Python wrote, edit it
 * (keeping the TTL), change and remove the TTL, bump a counter and delete — the same screens as on Redis,
 * driven by the capabilities alone.
 */
import { execFileSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { MemcachedConnection, metaKey } from "@/lib/drivers/memcached/connection";
import { cacheCommand } from "@/lib/drivers/uwsgi/protocol";
import { keyToParam } from "@/lib/wire/keys";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { startUwsgi, type UwsgiServer } from "../support/uwsgi";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };

/** Django's memcached backend (pymemcache with its pickle serde: flags say pickle, int or text). */
function pymemcache(port: number, code: string): string {
  const prelude = `from pymemcache.client.base import Client; from pymemcache import serde; c = Client(("127.0.0.1", ${port}), serde=serde.pickle_serde)`;
  return execFileSync("/usr/bin/python3", ["-c", `${prelude}\n${code}`]).toString().trim();
}

describe("key detail on memcached and uWSGI", () => {
  let app: RunningApp;
  let browser: Browser;
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;
  const pageErrors: string[] = [];

  const open = async (connectionId: string, key: string) => {
    await browser.page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from(key))}`);
    await browser.page.getByTestId("key-detail").waitFor();
  };
  const status = (text: string) => browser.page.getByRole("status").filter({ hasText: text }).waitFor();

  beforeAll(async () => {
    [app, memcached, uwsgi] = await Promise.all([startApp(), startMemcached(1), startUwsgi([{ name: "pages", items: 100, keysize: 256, blocksize: 4096 }])]);
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    browser = await openBrowser();
    browser.page.on("pageerror", (error) => pageErrors.push(error.stack ?? error.message));
    browser.page.on("console", (message) => {
      // A 404 from a key read is an answer the pane shows, not a client error.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) pageErrors.push(message.text());
    });
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await uwsgi?.stop();
    await memcached?.stop();
    await app?.stop();
  });

  it("memcached: reads and edits a Django pickle, keeps its TTL, changes the TTL, bumps a counter, deletes", async () => {
    const port = memcached.servers[0].port;
    pymemcache(port, `c.set(":1:user:7", {"name": "Ada", "langs": ["py", "c"]}, expire=600); c.set(":1:hits", 41)`);
    const { id } = await app.db.connectionProfile.create({
      data: { name: "memcached", kind: "memcached", settings: JSON.stringify({ servers: memcached.addresses }) },
    });
    const meta = new MemcachedConnection({ address: memcached.addresses[0], timeoutMs: 5000 });
    const ttlSeconds = async (key: string) => Number((await meta.one(`mg ${metaKey(Buffer.from(key))} t\r\n`)).flags.get("t"));
    const { page } = browser;
    try {
      await open(id, ":1:user:7");
      await page.getByTestId("value-tree").filter({ hasText: "'Ada'" }).waitFor();
      await expect(page.getByTestId("format-label").textContent()).resolves.toMatch(/^pickle protocol \d$/);
      await page.getByTestId("ttl").filter({ hasText: "expires" }).waitFor();
      await screenshot(page, "key-detail-memcached-pickle");

      await page.getByRole("button", { name: "Edit", exact: true }).click();
      const editor = page.getByLabel("Value editor");
      await editor.fill((await editor.inputValue()).replace("'Ada'", "'Grace'"));
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await status("Saved");
      await page.getByTestId("value-tree").filter({ hasText: "'Grace'" }).waitFor();
      // The flags still say "pickle", so Django's client unpickles the edit; the expiry survived the write.
      expect(pymemcache(port, `print(sorted(c.get(":1:user:7").items()))`)).toBe("[('langs', ['py', 'c']), ('name', 'Grace')]");
      expect(await ttlSeconds(":1:user:7")).toBeGreaterThan(500);

      await page.getByRole("button", { name: "Change TTL" }).click();
      await page.getByLabel("TTL seconds").fill("3600");
      await screenshot(page, "key-detail-memcached-ttl-editor");
      await page.getByRole("button", { name: "Set TTL" }).click();
      await status("TTL set");
      // An hour, or just under it once the round trip has eaten into it.
      await page.getByTestId("ttl").filter({ hasText: /1h|59m/ }).waitFor();
      expect(await ttlSeconds(":1:user:7")).toBeGreaterThan(3500);
      await page.getByRole("button", { name: "Change TTL" }).click();
      await page.getByRole("button", { name: "Remove expiry" }).click();
      await page.getByTestId("ttl").filter({ hasText: "No expiry" }).waitFor();
      expect(await ttlSeconds(":1:user:7")).toBe(-1);

      await open(id, ":1:hits");
      await page.getByTestId("counter-value").filter({ hasText: /^41$/ }).waitFor();
      await page.getByRole("button", { name: "Increment" }).click();
      await page.getByTestId("counter-value").filter({ hasText: /^42$/ }).waitFor();
      expect(pymemcache(port, `print(repr(c.get(":1:hits")))`)).toBe("42");

      // A new key in Django's format: pickled, with pymemcache's "pickle" flag and an expiry.
      await page.getByRole("button", { name: "Add key" }).click();
      const dialog = page.getByRole("dialog", { name: "Add a key" });
      await dialog.getByLabel("Key", { exact: true }).fill(":1:flags");
      await dialog.getByLabel("Format").selectOption("pickle5");
      await dialog.getByLabel("TTL (seconds)").fill("120");
      await dialog.getByLabel("Value", { exact: true }).fill("{'beta': True, 'ratio': 0.25}");
      await screenshot(page, "key-detail-memcached-add-key");
      await dialog.getByRole("button", { name: "Create key" }).click();
      await status("Key created");
      await page.getByTestId("key-name").filter({ hasText: ":1:flags" }).waitFor();
      await page.getByTestId("value-tree").filter({ hasText: "'beta'" }).waitFor();
      expect(pymemcache(port, `print(sorted(c.get(":1:flags").items()))`)).toBe("[('beta', True), ('ratio', 0.25)]");
      expect(await ttlSeconds(":1:flags")).toBeGreaterThan(100);

      await open(id, ":1:user:7");
      await page.getByRole("button", { name: "Delete", exact: true }).click();
      await page.getByRole("button", { name: "Delete key" }).click();
      await status("Key deleted");
      expect(await memcached.rawGet(Buffer.from(":1:user:7"))).toBeNull();
    } finally {
      meta.close();
    }
  });

  it("uWSGI: reads and edits a value the app wrote, keeps its TTL, changes the TTL, bumps an int64 counter, deletes", async () => {
    const key = Buffer.from("greeting");
    await uwsgi.app({ op: "set", cache: "pages", key, value: Buffer.from("hello from uWSGI"), expires: 600 });
    await uwsgi.app({ op: "inc", cache: "pages", key: Buffer.from("views"), amount: 3 });
    const { id } = await app.db.connectionProfile.create({
      data: { name: "uwsgi", kind: "uwsgi", settings: JSON.stringify({ address: uwsgi.address, statsAddress: uwsgi.statsAddress }) },
    });
    const expiresIn = async () => {
      const reply = await cacheCommand(uwsgi.address, { cmd: "get", key, cache: "pages" }, null, 5000);
      const expires = Number(reply?.vars.get("expires")?.toString() ?? 0);
      return expires === 0 ? 0 : expires - Math.floor(Date.now() / 1000);
    };
    const { page } = browser;

    await open(id, "pages:greeting");
    await page.getByTestId("text-view").filter({ hasText: "hello from uWSGI" }).waitFor();
    await page.getByTestId("ttl").filter({ hasText: "expires" }).waitFor();
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    await page.getByLabel("Value editor").fill("hello, edited");
    await screenshot(page, "key-detail-uwsgi-editor");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await status("Saved");
    await page.getByTestId("text-view").filter({ hasText: "hello, edited" }).waitFor();
    expect((await uwsgi.app({ op: "get", cache: "pages", key })).value?.toString()).toBe("hello, edited");
    expect(await expiresIn()).toBeGreaterThan(500);

    await page.getByRole("button", { name: "Change TTL" }).click();
    await page.getByLabel("TTL seconds").fill("3600");
    await page.getByRole("button", { name: "Set TTL" }).click();
    await status("TTL set");
    await page.getByTestId("ttl").filter({ hasText: /1h|59m/ }).waitFor();
    expect(await expiresIn()).toBeGreaterThan(3500);
    await page.getByRole("button", { name: "Change TTL" }).click();
    await page.getByRole("button", { name: "Remove expiry" }).click();
    await page.getByTestId("ttl").filter({ hasText: "No expiry" }).waitFor();
    expect(await expiresIn()).toBe(0);
    expect((await uwsgi.app({ op: "get", cache: "pages", key })).value?.toString()).toBe("hello, edited");

    await open(id, "pages:views");
    await page.getByTestId("counter-value").filter({ hasText: /^3$/ }).waitFor();
    await expect(page.getByTestId("format-label").textContent()).resolves.toBe("int64 counter");
    await page.getByRole("button", { name: "Increment" }).click();
    await page.getByTestId("counter-value").filter({ hasText: /^4$/ }).waitFor();
    expect((await uwsgi.app({ op: "num", cache: "pages", key: Buffer.from("views") })).num).toBe(4);
    await screenshot(page, "key-detail-uwsgi-counter");

    await open(id, "pages:greeting");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Delete key" }).click();
    await status("Key deleted");
    expect((await uwsgi.app({ op: "exists", cache: "pages", key })).ok).toBe(false);
  });
});
