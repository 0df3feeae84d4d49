/**
 * Export and import in Chromium against a real Redis: a namespace exported from its row menu (the browser
 * downloads a JSON Lines file with a line per key), then imported from the toolbar under another prefix with
 * a preview first; the keys appear. The dialogs at phone, laptop and wide widths, light and dark.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { tempDir } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };

describe("export and import in the key browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let redis: RedisServer;
  let connectionId = "";
  const downloads = tempDir("e2e-downloads");
  let exported = "";

  beforeAll(async () => {
    [app, redis] = await Promise.all([startApp(), startRedis()]);
    const raw = redis.raw();
    for (let i = 0; i < 30; i++) await raw.set(`staging:user:${i}`, JSON.stringify({ id: i }), "EX", 3600);
    await raw.hset("staging:settings", { theme: "dark", lang: "en" });
    await raw.set("other:key", "left alone");
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    const row = await app.db.connectionProfile.create({ data: { name: "staging redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } });
    connectionId = row.id;
    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await redis?.stop();
    await app?.stop();
  });

  const openBrowserPage = async (page: Page) => {
    await page.goto(`${app.url}/c/${connectionId}`);
    await page.getByTestId("namespace-tree").getByRole("treeitem", { name: "staging", exact: true }).waitFor();
  };

  it("exports a namespace from its row menu: the browser downloads a line per key", async () => {
    const { page } = browser;
    await openBrowserPage(page);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByRole("treeitem", { name: "staging", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for staging", exact: true }).click();
    await page.getByRole("menuitem", { name: "Export…" }).click();
    const dialog = page.getByTestId("export-dialog");
    await dialog.getByText("Namespace staging:").waitFor();
    await screenshot(page, "transfer-export-dialog");
    const [download] = await Promise.all([page.waitForEvent("download"), dialog.getByRole("button", { name: "Export", exact: true }).click()]);
    const file = path.join(downloads, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^cacheboard-staging_redis-.*\.jsonl$/);
    exported = readFileSync(file, "utf8");
    const lines = exported.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: "cacheboard-keys", scope: { kind: "namespace", text: "staging:" }, dump: true });
    expect(lines.at(-1)).toEqual({ format: "cacheboard-keys", end: true, keys: 31 });
    const keys = lines.slice(1, -1).map((line) => line.keyText);
    expect(keys.sort()).toEqual([...Array.from({ length: 30 }, (_, i) => `staging:user:${i}`), "staging:settings"].sort());
    expect(lines.find((line) => line.keyText === "staging:user:3")).toMatchObject({ type: "string", value: { format: "JSON (compact)", decoded: "{'id': 3}" } });
    await page.getByText(/Exported 31 keys/).waitFor();
  });

  it("imports the file under another prefix after a preview: the keys appear", async () => {
    const { page } = browser;
    await openBrowserPage(page);
    await page.getByRole("button", { name: "Import…" }).click();
    const dialog = page.getByTestId("import-dialog");
    await dialog.getByLabel("Export file").setInputFiles({ name: "staging.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(exported) });
    await dialog.getByTestId("import-file").getByText("31 ·").waitFor();
    await dialog.getByLabel("Rewrite a key prefix").check();
    await expect(dialog.getByLabel("Prefix to replace").inputValue()).resolves.toBe("staging:");
    await dialog.getByLabel("New prefix").fill("copy:");
    await dialog.getByRole("button", { name: "Preview" }).click();
    await dialog.getByTestId("import-verdict").filter({ hasText: "31 keys will be written." }).waitFor();
    await expect(dialog.locator('[data-count="new"]').textContent()).resolves.toBe("31");
    await screenshot(page, "transfer-import-preview");
    await dialog.getByRole("button", { name: "Import 31 keys" }).click();
    await dialog.getByRole("status").filter({ hasText: "Import finished: done" }).waitFor();
    await expect(dialog.locator('[data-count="written"]').textContent()).resolves.toBe("31");
    await expect(dialog.locator('[data-count="skipped"]').textContent()).resolves.toBe("0");
    await dialog.getByRole("button", { name: "Close" }).click();
    await page.getByTestId("namespace-tree").getByRole("treeitem", { name: "copy", exact: true }).waitFor();
    expect(await redis.raw().get("copy:user:7")).toBe('{"id":7}');
    expect(await redis.raw().pttl("copy:user:7")).toBeGreaterThan(3_000_000);
    expect(await redis.raw().hget("copy:settings", "theme")).toBe("dark");
  });

  it("lays the dialogs out at 390, 1280 and 1920 px, light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const shots = await openBrowser({ colorScheme });
      try {
        await signInAs(shots.page, app.url, admin.email, admin.password);
        for (const width of [390, 1280, 1920]) {
          const { page } = shots;
          await page.setViewportSize({ width, height: width === 390 ? 844 : width === 1280 ? 800 : 1080 });
          await openBrowserPage(page);
          await page.getByRole("button", { name: "Export…" }).first().click();
          await page.getByTestId("export-dialog").getByText("The whole database").waitFor();
          await screenshot(page, `transfer-export-${width}-${colorScheme}`);
          await page.getByTestId("export-dialog").getByRole("button", { name: "Close" }).click();
          await page.getByRole("button", { name: "Import…" }).click();
          const dialog = page.getByTestId("import-dialog");
          await dialog.getByLabel("Export file").setInputFiles({ name: "staging.jsonl", mimeType: "application/x-ndjson", buffer: Buffer.from(exported) });
          await dialog.getByTestId("import-file").waitFor();
          await dialog.getByLabel("Rewrite a key prefix").check();
          await dialog.getByRole("button", { name: "Preview" }).click();
          await dialog.getByTestId("import-verdict").waitFor();
          await screenshot(page, `transfer-import-${width}-${colorScheme}`);
          await dialog.getByRole("button", { name: "Close" }).click();
        }
      } finally {
        await shots.close();
      }
    }
  });
});
