/**
 * The key pane against a real Redis seeded the way Python caches write it: a Django pickle edited and read
 * back by Python with its TTL intact, a counter, TTL changes, a conflict from a concurrent writer, a hash
 * table, a 50 MB value and delete — with a screenshot of each state, light and dark.
 */
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import path from "node:path";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { type Browser, createFirstAdmin, openBrowser, screenshot } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const seed = path.resolve(import.meta.dirname, "../fixtures/python-caches/seed_redis.py");

function python(code: string): string {
  return execFileSync("/usr/bin/python3", ["-c", code]).toString().trim();
}

describe("key detail on Redis", () => {
  let redis: RedisServer;
  let raw: Redis;
  let app: RunningApp;
  let browser: Browser;
  let connectionId: string;
  // A client-side exception blanks the pane without failing any wait clearly: collect them and fail on any.
  const pageErrors: string[] = [];

  const open = async (key: string, profileId = connectionId) => {
    await browser.page.goto(`${app.url}/c/${profileId}?key=${keyToParam(Buffer.from(key))}`);
    await browser.page.getByTestId("key-detail").waitFor();
  };

  beforeAll(async () => {
    redis = await startRedis();
    raw = redis.raw();
    execFileSync("/usr/bin/python3", [seed, String(redis.port)]);
    app = await startApp();
    browser = await openBrowser();
    const { page } = browser;
    page.on("pageerror", (error) => pageErrors.push(`${error.message}\n${error.stack ?? ""}`));
    page.on("console", (message) => {
      // A 404 from a key read is an answer the pane shows, not a client error.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) pageErrors.push(message.text());
    });
    await createFirstAdmin(page, app.url, admin);
    const profile = await app.db.connectionProfile.create({
      data: { name: "local redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) },
    });
    connectionId = profile.id;
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  it("shows a Django pickle as a tree, edits one field, and Python reads the edit back with the TTL kept", async () => {
    const { page } = browser;
    await open(":1:user:42");
    await page.getByTestId("value-tree").waitFor();
    await expect(page.getByTestId("format-label").textContent()).resolves.toBe("pickle protocol 5");
    await expect(page.getByTestId("value-tree").textContent()).resolves.toContain("'Ada'");
    await screenshot(page, "key-detail-pickle-tree");

    await page.getByTestId("key-detail").focus();
    await page.keyboard.press("e");
    const editor = page.getByLabel("Value editor");
    await editor.waitFor();
    await editor.fill((await editor.inputValue()).replace("'Ada'", "'Grace'"));
    await screenshot(page, "key-detail-editor");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.getByTestId("value-tree").filter({ hasText: "'Grace'" }).waitFor();

    const check = python(
      `import pickle, redis; r = redis.Redis(port=${redis.port}); v = r.get(':1:user:42'); d = pickle.loads(v); print(v[1], sorted(d.items()), r.ttl(':1:user:42') > 80000)`,
    );
    expect(check).toBe("5 [('active', True), ('name', 'Grace'), ('roles', ['admin', 'dev']), ('score', 9.5)] True");
    // The audit entry holds the key's state before and after, which is what undo restores.
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action: "keys.write-value", connectionId } });
    expect(entry.outcome).toBe("ok");
    expect(Buffer.from(entry.targetKey!).toString()).toBe(":1:user:42");
    expect(entry.beforeValue?.length).toBeGreaterThan(0);
    expect(JSON.parse(entry.afterMeta!)).toMatchObject({ exists: true, encoding: "dump" });
  });

  it("bumps a counter atomically and sets and removes a TTL", async () => {
    const { page } = browser;
    await open(":1:hits");
    await page.getByTestId("counter-value").waitFor();
    await page.getByRole("button", { name: "Increment" }).click();
    await page.getByTestId("counter-value").filter({ hasText: /^1235$/ }).waitFor();
    expect(await raw.get(":1:hits")).toBe("1235");
    await screenshot(page, "key-detail-counter");

    await page.getByRole("button", { name: "Change TTL" }).click();
    await page.getByLabel("TTL seconds").fill("600");
    await page.getByRole("button", { name: "Set TTL" }).click();
    await page.getByTestId("ttl").filter({ hasText: "expires" }).waitFor();
    const ttl = await raw.ttl(":1:hits");
    expect(ttl).toBeGreaterThan(590);
    await screenshot(page, "key-detail-ttl");
    await page.getByRole("button", { name: "Change TTL" }).click();
    await page.getByRole("button", { name: "Remove expiry" }).click();
    await page.getByTestId("ttl").filter({ hasText: "No expiry" }).waitFor();
    expect(await raw.ttl(":1:hits")).toBe(-1);
  });

  it("refuses to overwrite a concurrent write and lets the person choose", async () => {
    const { page } = browser;
    await open("api:config");
    await page.getByTestId("json-view").waitFor();
    await screenshot(page, "key-detail-json");
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const editor = page.getByLabel("Value editor");
    await editor.fill((await editor.inputValue()).replace('"a": 1', '"a": 10'));
    await raw.set("api:config", '{"a": 2, "b": [1, 2]}', "KEEPTTL");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const theirs = page.getByTestId("conflict-theirs");
    await theirs.filter({ hasText: '"a": 2' }).waitFor();
    await expect(page.getByTestId("conflict-mine").textContent()).resolves.toContain('"a": 10');
    expect(await raw.get("api:config")).toBe('{"a": 2, "b": [1, 2]}');
    const overwrite = page.getByRole("button", { name: "Overwrite with my edit" });
    await expect.poll(() => overwrite.isEnabled()).toBe(true);
    // Past the buttons' colour transition, so the picture shows the settled dialog.
    await page.waitForTimeout(300);
    await screenshot(page, "key-detail-conflict");
    await overwrite.click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    // Written in the spacing the app used (stdlib json.dumps), not the editor's pretty form.
    expect(await raw.get("api:config")).toBe('{"a": 10, "b": [1, 2]}');
  });

  it("pages a hash and edits a member", async () => {
    const { page } = browser;
    await raw.hset("profile:7", "name", "Ada", "lang", "python", "bin", Buffer.from([0xff, 0x00]));
    await open("profile:7");
    await page.getByTestId("collection-table").waitFor();
    await screenshot(page, "key-detail-hash");
    await page.getByRole("row", { name: /lang/ }).getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Value", { exact: true }).fill("rust");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    // Not just any cell: while the row is being edited, its form cell is named after the typed value too.
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.getByRole("cell", { name: "rust", exact: true }).waitFor();
    expect(await raw.hget("profile:7", "lang")).toBe("rust");
  });

  it("shows the first page of a 50 MB value without freezing, with load more and download", async () => {
    const { page } = browser;
    await raw.set("big:blob", Buffer.alloc(50 * 1024 * 1024, "abcdefghij"));
    await open("big:blob");
    await page.getByTestId("partial-notice").waitFor();
    await expect(page.getByRole("button", { name: /Load .* more/ }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Download" }).isVisible()).resolves.toBe(true);
    // A frozen tab never paints again, so this round trip would hang until the test's timeout.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    await page.getByRole("button", { name: /Load .* more/ }).click();
    await page.getByTestId("partial-notice").filter({ hasText: "first 128 KiB" }).waitFor();
    await screenshot(page, "key-detail-large");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
    expect(download.suggestedFilename()).toBe("big_blob.bin");
    expect(statSync((await download.path())!).size).toBe(50 * 1024 * 1024);
  });

  it("renames and deletes keys after confirmation, and looks right in dark mode", async () => {
    const { page } = browser;
    await page.emulateMedia({ colorScheme: "dark" });
    await open(":1:user:42");
    await page.getByTestId("value-tree").waitFor();
    await screenshot(page, "key-detail-pickle-dark");
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    await page.getByLabel("Value editor").waitFor();
    await screenshot(page, "key-detail-editor-dark");
    await page.getByRole("button", { name: "Cancel", exact: true }).click();

    await open("api:item:2");
    await page.getByRole("button", { name: "Rename", exact: true }).click();
    await page.getByLabel("New key name").fill("api:item:2:renamed");
    await screenshot(page, "key-detail-rename-dark");
    await page.getByRole("dialog", { name: "Rename key" }).getByRole("button", { name: "Rename" }).click();
    await page.getByRole("status").filter({ hasText: "Key renamed" }).waitFor();
    await page.getByTestId("key-name").filter({ hasText: /^api:item:2:renamed$/ }).waitFor();
    expect(await raw.exists("api:item:2")).toBe(0);
    expect(await raw.ttl("api:item:2:renamed")).toBeGreaterThan(0);

    await open("api:item:1");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("button", { name: "Delete key" }).click();
    await page.getByRole("status").filter({ hasText: "Key deleted" }).waitFor();
    expect(await raw.exists("api:item:1")).toBe(0);
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("offers no write controls on a read-only connection, and asks for the key name before deleting on production", async () => {
    const { page } = browser;
    const settings = JSON.stringify({ host: "127.0.0.1", port: redis.port });
    const readOnly = await app.db.connectionProfile.create({ data: { name: "redis read-only", kind: "redis", readOnly: true, settings } });
    await open(":1:hits", readOnly.id);
    const pane = page.getByTestId("key-detail");
    await pane.getByTestId("counter-value").waitFor();
    await pane.getByText("read-only connection").waitFor();
    for (const name of ["Edit", "Rename", "Delete", "Change TTL", "Increment"]) {
      expect(await pane.getByRole("button", { name, exact: true }).count()).toBe(0);
    }
    await screenshot(page, "key-detail-read-only");

    const production = await app.db.connectionProfile.create({ data: { name: "redis production", kind: "redis", environment: "production", settings } });
    await open("api:item:3", production.id);
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const confirm = page.getByRole("button", { name: "Delete key" });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel("Confirmation text").fill("api:item:3");
    await expect.poll(() => confirm.isEnabled()).toBe(true);
    await page.waitForTimeout(300);
    await screenshot(page, "key-detail-production-delete");
    await confirm.click();
    await page.getByRole("status").filter({ hasText: "Key deleted" }).waitFor();
    expect(await raw.exists("api:item:3")).toBe(0);
  });
});
