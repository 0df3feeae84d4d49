/**
 * The key browser against a real Redis seeded the way Python caches write it: tree labels, filter,
 * multi-select delete, namespace delete that spares a sibling prefix, a binary key, the page states
 * (loading, empty, error, production, read-only, dark), and a big keyspace whose first rows show while the
 * tree scan is still running.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { keyToParam } from "@/lib/wire/keys";
import { debianPython, freePort } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const SEED = path.resolve(import.meta.dirname, "../fixtures/python-caches/seed_redis.py");
const BINARY_KEY = Buffer.from([0xff, 0xfe, 0x00, 0x61, 0x62, 0x63]);

async function profile(
  app: RunningApp,
  name: string,
  settings: Record<string, unknown>,
  extra: { environment?: string; readOnly?: boolean; scanCount?: number; scanPauseMs?: number } = {},
) {
  const row = await app.db.connectionProfile.create({
    data: {
      name,
      kind: "redis",
      settings: JSON.stringify(settings),
      environment: extra.environment ?? "development",
      readOnly: extra.readOnly ?? false,
      scanCount: extra.scanCount ?? null,
      scanPauseMs: extra.scanPauseMs ?? null,
    },
  });
  return row.id;
}

/** A rendered row of the virtualised list (only rows near the viewport exist, so tests filter first). */
const row = (page: Page, text: string) => page.locator(`[role=row][data-key="${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"]`);

describe("key browser on Redis", () => {
  let app: RunningApp;
  let browser: Browser;
  let redis: RedisServer;
  let main: string;

  beforeAll(async () => {
    [app, redis] = await Promise.all([startApp(), startRedis()]);
    execFileSync(debianPython(), [SEED, String(redis.port)]);
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    main = await profile(app, "python caches", { host: "127.0.0.1", port: redis.port });
    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await redis?.stop();
    await app?.stop();
  });

  it("shows the tree with scheme labels and the key list", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${main}`);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByText("Litestar store").first().waitFor();
    await tree.getByRole("button", { name: "Expand (empty)" }).click();
    await tree.getByText("Django / async-caches, version 1").waitFor();
    // Exact: the seed's shortest TTL is 300 s (async-caches' `::user:42`, seed_redis.py), far longer than this test.
    await tree.getByText("75 keys · done").waitFor();
    await screenshot(page, "browser-tree-list");
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, "browser-tree-list-1920");
    await page.setViewportSize({ width: 1280, height: 800 });
    await tree.getByText("Django / async-caches, version 1").click();
    await page.waitForURL(/ns=/);
    await page.keyboard.press("/");
    await page.keyboard.type(":1:[ru]*");
    await row(page, ":1:user:42").waitFor();
    await expect(row(page, ":1:user:42").textContent()).resolves.toContain("pickle protocol 5");
    await expect(row(page, ":1:report:compressed").textContent()).resolves.toContain("zlib → pickle protocol");
  });

  it("renders no other page on the server while this one loads: the shell's links prefetch on hover, not on sight", async () => {
    const { page } = browser;
    const rendered: string[] = [];
    const onRequest = (request: { url(): string }) => {
      const url = new URL(request.url());
      if (url.searchParams.has("_rsc") && url.pathname !== `/c/${main}`) rendered.push(url.pathname);
    };
    page.on("request", onRequest);
    try {
      await page.goto(`${app.url}/c/${main}`);
      await page.getByTestId("key-count").filter({ hasText: /keys loaded/ }).waitFor();
      await page.getByTestId("namespace-tree").getByText(/ · done$/).waitFor();
      // Long enough for a viewport prefetch of the sidebar and tabs to have gone out.
      await page.waitForTimeout(1500);
      expect(rendered).toEqual([]);
      // Reaching for a link prefetches that one page, and it opens.
      const stats = page.getByRole("navigation", { name: "Connection" }).getByRole("link", { name: "Stats" });
      await stats.hover();
      await expect.poll(() => rendered).toContain(`/c/${main}/stats`);
      expect(new Set(rendered)).toEqual(new Set([`/c/${main}/stats`]));
      await stats.click();
      await page.waitForURL(`${app.url}/c/${main}/stats`);
    } finally {
      page.off("request", onRequest);
    }
  });

  it("sends the first rows with the page's HTML instead of asking for them after hydration, and takes clicks once hydrated", async () => {
    const { page } = browser;
    await page.evaluate(() => sessionStorage.clear());
    // The HTML as the server sends it, with this browser's session: the rows are already in it.
    const html = await (await page.request.get(`${app.url}/c/${main}`)).text();
    expect((html.match(/role="row"/g) ?? []).length).toBeGreaterThan(10);
    expect(html).toMatch(/data-key="[^"]+"/);
    const pageRequests: string[] = [];
    const onRequest = (request: { url(): string; method(): string; postData(): string | null }) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === `/api/c/${main}/keys`) pageRequests.push(request.postData() ?? "");
    };
    page.on("request", onRequest);
    try {
      await page.goto(`${app.url}/c/${main}`);
      // The count says "loaded" once the list is live; until then a shield takes the clicks meant for its rows.
      await page.getByTestId("key-count").filter({ hasText: /^75 keys loaded · all/ }).waitFor();
      await expect(page.getByTestId("key-list-hydrating").count()).resolves.toBe(0);
      const first = page.locator("[data-testid=key-list] [role=row]").first();
      const name = await first.getAttribute("data-key");
      await first.click();
      await page.waitForURL(/key=/);
      await page.getByTestId("key-detail").getByText(name!).first().waitFor();
      expect(pageRequests).toEqual([]);
      // A filter in the URL is not rendered on the server: its rows come from the browser's request.
      await page.goto(`${app.url}/c/${main}?q=${encodeURIComponent("api:item:*")}`);
      await page.getByTestId("key-count").filter({ hasText: /^10 keys loaded · all/ }).waitFor();
      expect(pageRequests.length).toBe(1);
      expect(JSON.parse(pageRequests[0])).toMatchObject({ match: "api:item:*" });
    } finally {
      page.off("request", onRequest);
    }
  });

  it("filters with a glob, multi-selects and deletes the selection as one audit entry", async () => {
    const { page } = browser;
    // A visit without a query restores the connection's last view (kept per browser session): start clean.
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${app.url}/c/${main}`);
    await page.getByTestId("key-count").filter({ hasText: /keys loaded/ }).waitFor();
    // Typed into the field itself (the "/" shortcut has its own test above), so a page still hydrating
    // on a busy machine cannot drop the keystrokes.
    await page.getByLabel("Filter keys").fill("api:item:*");
    await page.getByLabel("Filter keys").press("Enter");
    await page.waitForURL(/q=api:item:\*/);
    await page.getByTestId("key-count").filter({ hasText: /^10 keys loaded · all/ }).waitFor();
    await row(page, "api:item:1").click({ modifiers: ["Control"] });
    await row(page, "api:item:2").click({ modifiers: ["Control"] });
    await page.getByText("2 selected").waitFor();
    await screenshot(page, "browser-filter-selected");
    await page.getByRole("button", { name: "Delete 2" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByTestId("key-count").filter({ hasText: /^8 keys loaded/ }).waitFor();
    const raw = redis.raw();
    expect(await raw.exists("api:item:1", "api:item:2", "api:item:3")).toBe(1);
    const entries = await app.db.auditEntry.findMany({ where: { action: "keys.delete" } });
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0].detail!)).toMatchObject({ count: 2, deleted: 2 });
  });

  it("deletes a namespace after a count preview and typed confirmation, sparing LITESTARX", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${main}`);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByRole("treeitem", { name: "LITESTAR", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for LITESTAR", exact: true }).click();
    await page.getByRole("menuitem", { name: "Delete all…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("namespace-preview").filter({ hasText: "8 keys will be deleted" }).waitFor();
    const confirm = dialog.getByRole("button", { name: "Delete 8 keys" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel("Confirmation text").fill("LITESTAR:");
    await screenshot(page, "browser-namespace-delete-confirm");
    await confirm.click();
    await dialog.getByText(/8 deleted · done/).waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    const raw = redis.raw();
    let cursor = "0";
    const left: string[] = [];
    do {
      const [next, keys] = await raw.scan(cursor, "MATCH", "LITESTAR*", "COUNT", 1000);
      cursor = next;
      left.push(...keys);
    } while (cursor !== "0");
    expect(left.filter((k) => k.startsWith("LITESTAR:"))).toEqual([]);
    expect(left.filter((k) => k.startsWith("LITESTARX:")).sort()).toEqual(["LITESTARX:keep0", "LITESTARX:keep1", "LITESTARX:keep2"]);
    expect(left.some((k) => k.startsWith("LITESTAR_sessions:"))).toBe(true);
    const audit = await app.db.auditEntry.findMany({ where: { action: "namespaces.delete" } });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].detail!)).toMatchObject({ prefix: "LITESTAR:", count: 8, cancelled: false });
  });

  it("opens a binary key from its URL and deletes it", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${main}?q=*abc&key=${keyToParam(BINARY_KEY)}`);
    await page.getByTestId("key-name").filter({ hasText: "\\xff\\xfe\\x00abc" }).waitFor();
    await row(page, "\\xff\\xfe\\x00abc").waitFor();
    await screenshot(page, "browser-binary-key");
    await page.getByTestId("key-detail").getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete key" }).click();
    await page.waitForURL((url) => !url.searchParams.has("key"));
    expect(await redis.raw().exists(BINARY_KEY)).toBe(0);
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action: "keys.delete", targetKey: { not: null } } });
    expect(Buffer.from(entry.targetKey!)).toEqual(BINARY_KEY);
  });

  it("keeps the state in the URL: back and forward restore the filter and the open key", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${main}?q=${encodeURIComponent("LITESTARX:*")}`);
    await row(page, "LITESTARX:keep1").click();
    await page.getByTestId("key-name").filter({ hasText: "LITESTARX:keep1" }).waitFor();
    await page.keyboard.press("Escape");
    await page.waitForURL((url) => !url.searchParams.has("key"));
    await page.goBack();
    await page.getByTestId("key-name").filter({ hasText: "LITESTARX:keep1" }).waitFor();
    await page.reload();
    await page.getByTestId("key-name").filter({ hasText: "LITESTARX:keep1" }).waitFor();
    expect(await page.getByLabel("Filter keys").inputValue()).toBe("LITESTARX:*");

    // Switching away and back through the sidebar keeps this connection's view.
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Overview" }).click();
    await page.waitForURL(`${app.url}/`);
    await nav.getByRole("link", { name: "python caches" }).click();
    await page.waitForURL((url) => url.pathname === `/c/${main}` && url.searchParams.get("q") === "LITESTARX:*");
    await page.getByTestId("key-name").filter({ hasText: "LITESTARX:keep1" }).waitFor();
  });

  it("shows loading, empty and error states", async () => {
    const { page } = browser;
    await page.route("**/api/c/*/keys", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue().catch(() => undefined);
    });
    await page.goto(`${app.url}/c/${main}?q=nothing-matches-this*`);
    await page.getByText("Loading keys…").waitFor();
    await screenshot(page, "browser-loading");
    await page.unroute("**/api/c/*/keys");
    await page.getByText("No keys match this filter").waitFor();
    await screenshot(page, "browser-empty");

    const refused = await profile(app, "refused", { host: "127.0.0.1", port: await freePort() });
    await page.goto(`${app.url}/c/${refused}`);
    await page.locator('[data-error-code="CONNECTION_REFUSED"]').filter({ hasText: "Could not reach the server" }).first().waitFor();
    await screenshot(page, "browser-error-refused");
  });

  it("marks production and read-only connections", async () => {
    const { page } = browser;
    const production = await profile(app, "prod cache", { host: "127.0.0.1", port: redis.port }, { environment: "production" });
    await page.goto(`${app.url}/c/${production}?ns=${keyToParam(Buffer.from("LITESTARX:"))}`);
    await page.getByTestId("production-banner").waitFor();
    await row(page, "LITESTARX:keep2").click();
    await page.getByTestId("key-detail").getByRole("button", { name: "Delete", exact: true }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.getByRole("button", { name: "Delete key" }).isDisabled()).toBe(true);
    await dialog.getByLabel("Confirmation text").fill("LITESTARX:keep2");
    await screenshot(page, "browser-production");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    const readOnly = await profile(app, "read only cache", { host: "127.0.0.1", port: redis.port }, { readOnly: true });
    await page.goto(`${app.url}/c/${readOnly}?q=app:*`);
    await page.getByTestId("read-only-lock").waitFor();
    await row(page, "app:list").click();
    await page.getByTestId("key-name").waitFor();
    expect(await page.getByRole("button", { name: /^(Delete|Add key|Edit|Rename)/ }).count()).toBe(0);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByRole("treeitem", { name: "api", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for api", exact: true }).click();
    expect(await page.getByRole("menuitem").allTextContents()).toEqual(["Count keys", "Export…"]);
    await screenshot(page, "browser-read-only");
  });

  it("shows the first rows of a 200k-key database while the tree scan still runs, in dark mode at 1920×1080", async () => {
    const raw = redis.raw();
    await raw.select(1);
    for (let start = 0; start < 200_000; start += 10_000) {
      const pipeline = raw.pipeline();
      for (let i = start; i < start + 10_000; i++) pipeline.set(`bulk:${i % 50}:item:${i}`, `v${i}`);
      await pipeline.exec();
    }
    // A gentle scan pace (500 keys per call, 50 ms apart: 20 s or more for 200k keys) keeps the scan running
    // while the test looks at it, however fast this machine scans.
    const big = await profile(app, "big", { host: "127.0.0.1", port: redis.port, db: 1 }, { scanCount: 500, scanPauseMs: 50 });
    const dark = await openBrowser({ colorScheme: "dark", viewport: { width: 1920, height: 1080 } });
    try {
      await signInAs(dark.page, app.url, admin.email, admin.password);
      await dark.page.goto(`${app.url}/c/${big}`);
      // The first rows come with the HTML; the tree's scan starts once the page is live, and the rows stay.
      await dark.page.locator("[role=row][data-key^='bulk:']").first().waitFor();
      await dark.page.getByRole("button", { name: "Cancel scan" }).waitFor();
      await dark.page.getByTestId("key-count").filter({ hasText: /keys loaded/ }).waitFor();
      const rowsWhileScanning = await dark.page.locator("[role=row][data-key^='bulk:']").count();
      const progress = await dark.page.getByRole("progressbar").first().getAttribute("aria-valuenow");
      await screenshot(dark.page, "browser-big-keyspace-dark");
      expect(rowsWhileScanning).toBeGreaterThan(10);
      expect(Number(progress)).toBeLessThan(200_000);
      const cancelled = dark.page.waitForResponse((response) => response.request().method() === "DELETE" && response.url().includes("/keys/tree"));
      await dark.page.getByRole("button", { name: "Cancel scan" }).click();
      // The server found the running scan and stopped it (say so if not, rather than only timing out below).
      const answer = await cancelled;
      expect({ status: answer.status(), body: await answer.json() }).toEqual({ status: 200, body: { cancelled: true } });
      await dark.page.getByText(/· cancelled/).waitFor();
      await screenshot(dark.page, "browser-big-keyspace-cancelled-dark");
    } finally {
      await dark.close();
    }
  });
});
