/**
 * The dashboard's layout and navigation at the widths people use (390, 1280, 1920 px) and in both themes:
 * the navigation drawer and the full-screen key sheet on a phone, resizable and foldable panes remembered
 * across reloads, hash and stream field names kept whole, the theme switch, namespace names with their
 * scheme, the tree and its actions menu from the keyboard, `e` from the key list, one status for the
 * connection header and the sidebar, the 404 page and the favicon.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { debianPython, freePort } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const SEED = path.resolve(import.meta.dirname, "../fixtures/python-caches/seed_redis.py");
const LONG_KEY = "myapp:user:22:profile:preferences:email";
const GREETING = "myapp:user:22:greeting";
const HASH = "myapp:user:22:session";
const STREAM = "myapp:events";

const row = (page: Page, text: string) => page.locator(`[role=row][data-key="${text}"]`);
const box = async (page: Page, selector: string) => (await page.locator(selector).first().boundingBox())!;

describe("layout and navigation", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let main: string;
  let down: string;
  const browsers: Browser[] = [];

  async function browserAt(width: number, height: number, colorScheme: "light" | "dark" = "light"): Promise<Page> {
    const browser = await openBrowser({ viewport: { width, height }, colorScheme });
    browsers.push(browser);
    await signInAs(browser.page, app.url, admin.email, admin.password);
    return browser.page;
  }

  /** Opens a fresh browser-session view of the connection with a filter, so no earlier view is restored. */
  async function openList(page: Page, q: string) {
    await page.goto(`${app.url}/c/${main}?q=${encodeURIComponent(q)}`);
    await page.getByTestId("key-count").filter({ hasText: / loaded · all/ }).waitFor();
  }

  beforeAll(async () => {
    [app, redis] = await Promise.all([startApp(), startRedis()]);
    execFileSync(debianPython(), [SEED, String(redis.port)]);
    const raw = redis.raw();
    await raw.set(LONG_KEY, JSON.stringify({ email: true, digest: "weekly" }));
    await raw.set(GREETING, "hello");
    // Long values beside short field names: a table squeezed by them used to break the names ("times tamp").
    await raw.hset(HASH, "timestamp", "2026-11-30T09:00:00.000000+00:00 ".repeat(6), "user_agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 ".repeat(3));
    await raw.xadd(STREAM, "*", "timestamp", "1764493200 ".repeat(12), "event", "signed_in");
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    main = (await app.db.connectionProfile.create({ data: { name: "python caches", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }), environment: "development" } })).id;
    const closedPort = await freePort();
    down = (await app.db.connectionProfile.create({ data: { name: "gone", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: closedPort }), environment: "development" } })).id;
  });
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await redis?.stop();
    await app?.stop();
  });

  it("at 390 px hides the sidebar behind a menu button whose drawer closes on Esc, outside click and navigation", async () => {
    const page = await browserAt(390, 844);
    await openList(page, "myapp:*");
    const sidebar = page.getByRole("navigation", { name: "Main" });
    expect(await sidebar.isVisible()).toBe(false);
    const menu = page.getByRole("button", { name: "Open navigation" });
    const button = (await menu.boundingBox())!;
    expect(button.x + button.width).toBeLessThanOrEqual(390);
    // Nothing is wider than the phone: no sideways scrolling, nothing clipped at the right edge.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const drawer = page.getByRole("dialog", { name: "Navigation" });

    await menu.click();
    await drawer.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /python caches/ }).waitFor();
    await screenshot(page, "layout-390-drawer");
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });

    await menu.click();
    await drawer.waitFor();
    await page.mouse.click(370, 600);
    await drawer.waitFor({ state: "detached" });

    await menu.click();
    await drawer.getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL(/\/audit$/);
    await drawer.waitFor({ state: "detached" });
  });

  it("at 390 px stacks the panes and opens a key as a full-screen sheet whose Back returns to the list", async () => {
    const page = await browserAt(390, 844);
    await openList(page, "myapp:*");
    const tree = await box(page, "[data-testid=tree-pane]");
    const list = await box(page, "section[aria-label='Key list']");
    expect(list.y).toBeGreaterThanOrEqual(tree.y + tree.height - 1);
    expect(list.width).toBeGreaterThan(380);
    await screenshot(page, "layout-390-list");
    await row(page, LONG_KEY).click();
    await page.waitForURL(/key=/);
    const sheet = page.getByTestId("detail-pane");
    await sheet.getByTestId("key-name").filter({ hasText: LONG_KEY }).waitFor();
    expect(await sheet.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await sheet.getByTestId("json-view").waitFor();
    await screenshot(page, "layout-390-key-sheet");
    await sheet.getByRole("button", { name: "Back to keys" }).click();
    await sheet.waitFor({ state: "detached" });
    expect(new URL(page.url()).searchParams.has("key")).toBe(false);
    await row(page, LONG_KEY).waitFor();
  });

  it("at 1280 px resizes the panes from the keyboard and by dragging, folds the tree, and remembers both", async () => {
    const page = await browserAt(1280, 800);
    await openList(page, "myapp:*");
    await row(page, LONG_KEY).click();
    await page.getByTestId("key-detail").getByTestId("key-name").filter({ hasText: LONG_KEY }).waitFor();
    const keyCell = () => row(page, LONG_KEY).locator("[role=gridcell]").first().boundingBox();
    const before = (await keyCell())!.width;
    await screenshot(page, "layout-1280-key-open-default");

    // Narrow the key detail from the keyboard: ←/→ on its handle, Shift for big steps.
    const detailHandle = page.getByRole("separator", { name: "Resize key detail" });
    expect((await box(page, "[data-testid=detail-pane]")).width).toBeGreaterThan(360);
    await detailHandle.focus();
    await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press("Shift+ArrowRight");
    await expect.poll(async () => (await box(page, "[data-testid=detail-pane]")).width).toBe(360);
    // Fold the namespace tree away: the key names are whole and the Size column is back.
    await page.getByRole("button", { name: "Hide namespaces" }).click();
    await page.getByTestId("tree-rail").waitFor();
    const list = page.locator("section[aria-label='Key list']");
    await list.getByRole("button", { name: "Sort by Size" }).waitFor();
    const after = (await keyCell())!.width;
    expect(after).toBeGreaterThan(before + 100);
    const whole = () => row(page, LONG_KEY).locator("[role=gridcell] span").first().evaluate((el) => el.scrollWidth <= el.clientWidth);
    expect(await whole()).toBe(true);
    await screenshot(page, "layout-1280-key-open-resized");
    // Wider still, every column shows beside the open key.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await list.getByText("Format", { exact: true }).waitFor();
    await list.getByText("Items", { exact: true }).waitFor();
    expect(await whole()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.reload();
    await page.getByTestId("key-detail").getByTestId("key-name").filter({ hasText: LONG_KEY }).waitFor();
    await page.getByTestId("tree-rail").waitFor();
    await expect.poll(async () => (await box(page, "[data-testid=detail-pane]")).width).toBe(360);

    // Unfold, then drag the tree's handle 100 px to the right.
    await page.getByRole("button", { name: "Show namespaces" }).click();
    const treeBefore = (await box(page, "[data-testid=tree-pane]")).width;
    const handle = (await page.getByRole("separator", { name: "Resize namespaces" }).boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + 200);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 50, handle.y + 200, { steps: 3 });
    await page.mouse.move(handle.x + handle.width / 2 + 100, handle.y + 200, { steps: 3 });
    await page.mouse.up();
    expect(Math.round((await box(page, "[data-testid=tree-pane]")).width)).toBe(Math.round(treeBefore + 100));
    await page.reload();
    // The server renders the default widths; the remembered one applies once the page has hydrated.
    await expect.poll(async () => Math.round((await box(page, "[data-testid=tree-pane]")).width)).toBe(Math.round(treeBefore + 100));
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("cacheboard:panes") ?? "{}"));
    expect(stored).toMatchObject({ treeCollapsed: false, detail: 360 });
  });

  it("keeps hash and stream field names whole in a narrow key pane", async () => {
    const page = await browserAt(1280, 800);
    await page.evaluate(() => localStorage.setItem("cacheboard:panes", JSON.stringify({ detail: 360, tree: 240 })));
    for (const [key, name, kind] of [
      [HASH, "timestamp", "name"],
      [HASH, "user_agent", "name"],
      [STREAM, "timestamp", "name"],
      // A short stream value moves below its field name whole rather than splitting.
      [STREAM, "signed_in", "value"],
    ] as const) {
      await openList(page, key);
      await row(page, key).click();
      const table = page.getByTestId("collection-table");
      const cell = table.locator(`[data-cell=${kind}]`, { hasText: name }).first();
      await cell.waitFor();
      // One line box for the whole name: it was never broken inside the word.
      const lines = await cell.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      });
      expect({ key, name, lines }).toEqual({ key, name, lines: 1 });
    }
    await screenshot(page, "layout-1280-stream-narrow");
  });

  it("switches the theme between system, light and dark, remembered across reloads and applied before paint", async () => {
    const page = await browserAt(1280, 800);
    const violations: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy|Refused to execute/.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${app.url}/`);
    const switcher = page.getByRole("radiogroup", { name: "Theme" });
    await expect(switcher.getByRole("radio", { name: "System theme" }).getAttribute("aria-checked")).resolves.toBe("true");
    const isDark = () => page.evaluate(() => document.documentElement.classList.contains("dark"));
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await isDark()).toBe(false);
    const light = await background();

    await switcher.getByRole("radio", { name: "Dark theme" }).click();
    expect(await isDark()).toBe(true);
    expect(await background()).not.toBe(light);
    // After a reload the class is there when the document is parsed, before any React code ran.
    await page.reload({ waitUntil: "commit" });
    await page.waitForFunction(() => document.body !== null);
    expect(await isDark()).toBe(true);
    // The switch shows the stored choice once React has hydrated and read it, which "load" does not wait for.
    await switcher.locator('[role="radio"][aria-checked="true"]', { hasText: "" }).and(switcher.getByRole("radio", { name: "Dark theme" })).waitFor();

    // Light stays light on a system that prefers dark; System follows the system again.
    await page.emulateMedia({ colorScheme: "dark" });
    await switcher.getByRole("radio", { name: "Light theme" }).click();
    await page.reload();
    expect(await isDark()).toBe(false);
    // One tab stop; the arrow keys choose, as in any radio group.
    await switcher.getByRole("radio", { name: "Light theme" }).focus();
    await page.keyboard.press("ArrowLeft");
    await expect(switcher.getByRole("radio", { name: "System theme" }).getAttribute("aria-checked")).resolves.toBe("true");
    expect(await switcher.locator("[tabindex='0']").count()).toBe(1);
    expect(await isDark()).toBe(true);
    await page.emulateMedia({ colorScheme: "light" });
    await expect.poll(isDark).toBe(false);
    expect(await page.evaluate(() => localStorage.getItem("cacheboard:theme"))).toBeNull();
    expect(violations).toEqual([]);
  });

  it("shows a long namespace name in full with its scheme, in the row and its hover title", async () => {
    const page = await browserAt(1280, 800);
    await page.goto(`${app.url}/c/${main}`);
    const item = page.getByTestId("namespace-tree").getByRole("treeitem", { name: "LITESTAR_response_cache", exact: true });
    await item.waitFor();
    const title = await item.getAttribute("title");
    expect(title).toContain("LITESTAR_response_cache");
    const scheme = await item.getByTestId("scheme-label").textContent();
    expect(scheme).toBeTruthy();
    expect(title).toContain(scheme!);
    const name = item.getByTestId("namespace-name");
    expect(await name.evaluate((el) => ({ text: el.textContent, whole: el.scrollWidth <= el.clientWidth }))).toEqual({ text: "LITESTAR_response_cache", whole: true });
  });

  it("moves through the tree with the arrow keys and works its actions menu from the keyboard", async () => {
    const page = await browserAt(1280, 800);
    await page.goto(`${app.url}/c/${main}`);
    const tree = page.getByRole("tree", { name: "Namespaces" });
    // The first-level "(empty)" namespace (keys starting with the delimiter); once expanded, its own empty
    // segment (`::`) is a second "(empty)" one level down, so the level is part of the locator.
    const empty = tree.locator("[role=treeitem][aria-level='1'][aria-label='(empty)']");
    await empty.waitFor();
    // One tab stop for the whole tree.
    await expect.poll(() => tree.locator("[role=treeitem][tabindex='0']").count()).toBe(1);
    const focused = () => page.evaluate(() => ({ label: document.activeElement?.getAttribute("aria-label"), level: document.activeElement?.getAttribute("aria-level") }));

    await empty.focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => empty.getAttribute("aria-expanded")).toBe("true");
    await tree.locator("[role=treeitem][aria-level='2']").first().waitFor();
    await page.keyboard.press("ArrowRight");
    await expect.poll(focused).toMatchObject({ level: "2" });
    await page.keyboard.press("ArrowLeft");
    await expect.poll(focused).toEqual({ label: "(empty)", level: "1" });
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => empty.getAttribute("aria-expanded")).toBe("false");
    await page.keyboard.press("ArrowDown");
    const next = await focused();
    expect(next.level).toBe("1");
    expect(next.label).not.toBe("(empty)");
    await page.keyboard.press("ArrowUp");
    await expect.poll(focused).toEqual({ label: "(empty)", level: "1" });
    await page.keyboard.press("Enter");
    await page.waitForURL(/ns=/);
    await expect.poll(() => empty.getAttribute("aria-selected")).toBe("true");

    // The actions menu: Tab reaches its button, Enter opens it on its first item, arrows move, Esc closes.
    const litestar = tree.getByRole("treeitem", { name: "LITESTAR", exact: true });
    await litestar.focus();
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Actions for LITESTAR");
    await page.keyboard.press("Enter");
    const menu = page.getByRole("menu", { name: "Actions for LITESTAR" });
    await menu.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Count keys");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Export…");
    await screenshot(page, "layout-tree-menu-keyboard");
    await page.keyboard.press("Escape");
    await menu.waitFor({ state: "detached" });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Actions for LITESTAR");
    // Shift+F10 on the item opens it too; a click elsewhere closes it.
    await litestar.focus();
    await page.keyboard.press("Shift+F10");
    await menu.waitFor();
    await page.getByTestId("key-count").click();
    await menu.waitFor({ state: "detached" });
    // The menu does what it says from the keyboard.
    await litestar.focus();
    await page.keyboard.press("Shift+F10");
    await menu.waitFor();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
  });

  it("opens the focused key in the list for editing with e, and the edit is saved", async () => {
    const page = await browserAt(1280, 800);
    await openList(page, GREETING);
    await page.getByTestId("key-list").focus();
    await page.keyboard.press("e");
    await page.waitForURL(/key=/);
    const editor = page.getByTestId("key-detail").getByRole("textbox", { name: "Value editor" });
    await editor.waitFor();
    await editor.fill("hello from the keyboard");
    await page.getByTestId("key-detail").getByRole("button", { name: "Save" }).click();
    await editor.waitFor({ state: "detached" });
    expect(await redis.raw().get(GREETING)).toBe("hello from the keyboard");
  });

  it("gives the connection header and the sidebar one status dot per connection", async () => {
    const page = await browserAt(1280, 800);
    const colours: string[] = [];
    for (const [id, state] of [
      [main, "up"],
      [down, "down"],
    ] as const) {
      await page.goto(`${app.url}/c/${id}`);
      const header = page.getByTestId("connection-header-status").locator(`[data-testid=status-${id}]`);
      const sidebar = page.getByRole("navigation", { name: "Main" }).locator(`[data-testid=status-${id}]`);
      await header.and(page.locator(`[data-state=${state}]`)).waitFor();
      await sidebar.and(page.locator(`[data-state=${state}]`)).waitFor();
      const colour = (locator: typeof header) => locator.locator("span").first().evaluate((el) => getComputedStyle(el).backgroundColor);
      const [a, b] = [await colour(header), await colour(sidebar)];
      expect(a).toBe(b);
      colours.push(a);
    }
    // Green and red, not the grey of "checking" the header used to keep.
    expect(new Set(colours).size).toBe(2);
  });

  it("answers an unknown address with the app's 404 page and serves a favicon, with no failed request on the way", async () => {
    const page = await browserAt(1280, 800);
    const failed: string[] = [];
    page.on("response", (response) => {
      if (response.status() >= 400 && !response.url().includes("/does-not-exist") && !response.url().includes("/c/nope")) failed.push(`${response.status()} ${response.url()}`);
    });
    const missing = await page.goto(`${app.url}/does-not-exist`);
    expect(missing?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await page.getByRole("link", { name: "Go to the overview" }).waitFor();
    await screenshot(page, "layout-404");
    const connection = await page.goto(`${app.url}/c/nope`);
    expect(connection?.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();

    await page.goto(`${app.url}/c/${main}`);
    await page.getByTestId("key-count").waitFor();
    const icon = await page.evaluate(() => document.querySelector<HTMLLinkElement>("link[rel=icon]")?.getAttribute("href"));
    expect(icon).toMatch(/^\/icon\.svg/);
    const response = await page.request.get(`${app.url}${icon}`);
    expect({ status: response.status(), type: response.headers()["content-type"] }).toEqual({ status: 200, type: "image/svg+xml" });
    expect(failed).toEqual([]);
  });

  for (const theme of ["light", "dark"] as const) {
    it(`looks right with a key open at 390, 1280 and 1920 px in the ${theme} theme`, async () => {
      const page = await browserAt(1280, 800, theme);
      await page.evaluate(() => localStorage.removeItem("cacheboard:panes"));
      for (const [width, height] of [
        [1920, 1080],
        [1280, 800],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width, height });
        await openList(page, "myapp:*");
        await row(page, HASH).click();
        await page.getByTestId("collection-table").waitFor();
        expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(theme === "dark");
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
        await screenshot(page, `layout-${width}-${theme}-key-open`);
      }
    });
  }
});
