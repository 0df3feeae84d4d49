/**
 * The key list on a 50k-key Redis: a search that matches nothing says how much it has walked and can be
 * stopped; sorting by size ranks the whole namespace, not the rows loaded so far; pages are appended,
 * each requested once, with a bounded DOM and rows that are not re-created when later pages arrive.
 */
import type { Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { FIRST_PAGE_ROWS, MAX_PAGE_ROWS } from "@/lib/wire/key-page";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const KEYS = 50_000;
const HUGE = "big:zz-huge";
const NS = keyToParam(Buffer.from("big:"));
const KEY_PAGES = /\/api\/c\/[^/]+\/keys$/;
/** Pages and background passes take their time on a loaded 2-core machine; these only bound a hang. */
const PATIENCE = { timeout: 150_000 };

/** The figures of "scanned ≈24,162 of ~50,102 (48%)". */
async function scannedFigures(page: Page): Promise<{ scanned: number; total: number; text: string }> {
  const text = (await page.getByTestId("scan-progress").textContent()) ?? "";
  const match = /scanned ≈?([\d,]+) of ~([\d,]+)/.exec(text);
  if (!match) return { scanned: -1, total: -1, text };
  return { scanned: Number(match[1].replace(/,/g, "")), total: Number(match[2].replace(/,/g, "")), text };
}

describe("key list at scale on Redis", () => {
  let app: RunningApp;
  let browser: Browser;
  let redis: RedisServer;
  let id: string;

  beforeAll(async () => {
    [app, redis] = await Promise.all([startApp(), startRedis()]);
    const raw = redis.raw();
    for (let start = 0; start < KEYS; start += 10_000) {
      const pipeline = raw.pipeline();
      for (let i = start; i < start + 10_000; i++) pipeline.set(`big:item:${i}`, "x".repeat(10 + (i % 991)));
      await pipeline.exec();
    }
    await raw.set(HUGE, Buffer.alloc(2 * 1024 * 1024, 0x61));
    await raw.rpush("big:list", ...Array.from({ length: 1000 }, (_, i) => `item-${i}-${"y".repeat(100)}`));
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    const profile = await app.db.connectionProfile.create({
      data: { name: "fifty thousand", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }), environment: "development", readOnly: false },
    });
    id = profile.id;
    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await redis?.stop();
    await app?.stop();
  });

  it("reports what a search with no match has scanned, growing page by page, and stops it on request", { timeout: 300_000 }, async () => {
    const { page } = browser;
    // Key pages pass only when the test lets them, so each page's figures can be read before the next one.
    const seen: { cursor?: string }[] = [];
    const held: Route[] = [];
    let allowed = 0;
    await page.route(KEY_PAGES, async (route) => {
      seen.push(JSON.parse(route.request().postData() ?? "{}") as { cursor?: string });
      if (allowed > 0) {
        allowed--;
        await route.continue();
      } else held.push(route);
    });
    const release = async () => {
      const route = held.shift();
      if (route) await route.continue();
      else allowed++;
    };
    try {
      await page.goto(`${app.url}/c/${id}?q=${encodeURIComponent("nomatch:*")}`);
      await release();
      await page.getByTestId("scan-progress").filter({ hasText: /scanned ≈[\d,]+ of ~/ }).waitFor(PATIENCE);
      const first = await scannedFigures(page);
      expect(first.scanned, first.text).toBeGreaterThan(0);
      expect(first.total).toBeGreaterThanOrEqual(KEYS);
      expect(first.scanned).toBeLessThan(first.total);
      await page.getByText("Nothing matches yet").waitFor();

      await expect.poll(() => held.length + allowed, PATIENCE).toBeGreaterThan(0);
      await release();
      await expect.poll(async () => (await scannedFigures(page)).scanned, PATIENCE).toBeGreaterThan(first.scanned);
      const second = await scannedFigures(page);
      await screenshot(page, "key-list-search-progress");

      // The next page is in flight (held here): Stop aborts it and asks for no more.
      await expect.poll(() => held.length, PATIENCE).toBe(1);
      const aborted = page.waitForEvent("requestfailed", (request) => KEY_PAGES.test(new URL(request.url()).pathname));
      await page.getByRole("button", { name: "Stop", exact: true }).click();
      await aborted;
      await page.getByTestId("scan-progress").filter({ hasText: /stopped/ }).waitFor();
      await page.getByText("Search stopped").waitFor();
      const requestsAtStop = seen.length;
      await held.shift()?.continue().catch(() => undefined);
      await page.waitForTimeout(1000);
      expect(seen.length).toBe(requestsAtStop);
      expect((await scannedFigures(page)).scanned).toBe(second.scanned);
      await page.getByRole("button", { name: "Continue" }).waitFor();
      await screenshot(page, "key-list-search-stopped");
    } finally {
      await page.unrouteAll({ behavior: "ignoreErrors" });
    }

    // The API's own figure is truthful too: what the page walked, not what matched.
    const response = await page.request.post(`${app.url}/api/c/${id}/keys`, { data: { match: "nomatch:*" } });
    const body = (await response.json()) as { rows: unknown[]; scanned: number; estimated: boolean; total: number };
    expect(body.rows).toEqual([]);
    expect(body.scanned).toBeGreaterThan(0);
    expect(body.estimated).toBe(true);
    expect(body.total).toBeGreaterThanOrEqual(KEYS);
  });

  it("sorts by size over the whole namespace: the biggest key comes first even if no loaded page held it", { timeout: 300_000 }, async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${id}?ns=${NS}`);
    // Rows of the virtualised list sit in the DOM in list order.
    const rows = page.locator("[role=row]");
    await rows.first().waitFor(PATIENCE);
    await page.getByRole("button", { name: "Sort by Size" }).click();
    await page.getByTestId("top-progress").getByText(/· done/).waitFor({ timeout: 250_000 });
    await page.getByTestId("key-count").filter({ hasText: /^Top 500 by size of the whole namespace/ }).waitFor();
    expect(await rows.nth(0).getAttribute("data-key")).toBe(HUGE);
    expect(await rows.nth(1).getAttribute("data-key")).toBe("big:list");
    await screenshot(page, "key-list-sorted-by-size");
    // Sorting read the keys and changed none of them.
    expect(await redis.raw().strlen(HUGE)).toBe(2 * 1024 * 1024);
    expect(await redis.raw().dbsize()).toBe(KEYS + 2);
  });

  it("appends pages: each requested once, the DOM bounded, the first rows' elements kept", { timeout: 600_000 }, async () => {
    const { page } = browser;
    const cursors: string[] = [];
    const limits: number[] = [];
    const onRequest = (request: { url(): string; method(): string; postData(): string | null }) => {
      if (request.method() === "POST" && KEY_PAGES.test(new URL(request.url()).pathname)) {
        const body = JSON.parse(request.postData() ?? "{}") as { cursor?: string; limit?: number };
        cursors.push(body.cursor ?? "");
        limits.push(body.limit ?? 0);
      }
    };
    page.on("request", onRequest);
    try {
      await page.goto(`${app.url}/c/${id}?ns=${NS}`);
      const list = page.getByTestId("key-list");
      const first = page.locator("[role=row]").first();
      await first.waitFor(PATIENCE);
      const firstKey = await first.getAttribute("data-key");
      await first.evaluate((element) => element.setAttribute("data-marker", "page-1"));
      const loadedCount = async () => Number(((await page.getByTestId("key-count").textContent()) ?? "").replace(/,/g, "").match(/^(\d+) keys loaded/)?.[1] ?? 0);
      const domSize = () => list.evaluate((element) => ({ rows: element.querySelectorAll("[role=row]").length, nodes: element.querySelectorAll("*").length }));

      // Loading many pages without scrolling (select all matching walks up to 10,000 keys) keeps the
      // first row's element: rows are appended, not rebuilt.
      await page.getByRole("button", { name: "Select all matching" }).click();
      await page.getByText("10,000 selected").waitFor(PATIENCE);
      expect(cursors.length).toBeGreaterThanOrEqual(5);
      expect(await page.locator("[data-marker='page-1']").getAttribute("data-key")).toBe(firstKey);

      // Scrolling to the end of what is loaded asks for the next page, once, and a page after the first is as
      // large as the server allows (each page costs the browser a round of fixed work).
      for (let round = 0; round < 5; round++) {
        const before = await loadedCount();
        await list.evaluate((element) => element.scrollTo(0, element.scrollHeight));
        await expect.poll(loadedCount, PATIENCE).toBe(before + MAX_PAGE_ROWS);
        const { rows, nodes } = await domSize();
        expect(rows).toBeLessThan(200);
        expect(nodes).toBeLessThan(2000);
      }
      await page.getByRole("button", { name: "Clear" }).click();
      await screenshot(page, "key-list-scrolled");
      expect(new Set(cursors).size).toBe(cursors.length);
      expect(cursors[0]).toBe("");
      expect(limits[0]).toBe(FIRST_PAGE_ROWS);
      expect(new Set(limits.slice(1))).toEqual(new Set([MAX_PAGE_ROWS]));
    } finally {
      page.off("request", onRequest);
    }
  });

  it("moves through the list from the keyboard: the active row is scrolled into view and Enter opens it", { timeout: 300_000 }, async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${id}?ns=${NS}`);
    const list = page.getByTestId("key-list");
    await page.locator("[role=row]").first().waitFor(PATIENCE);
    await page.getByTestId("key-list-hydrating").waitFor({ state: "detached" });
    await list.focus();
    const steps = 60;
    for (let i = 0; i < steps; i++) await page.keyboard.press("ArrowDown");
    // Row 60 is far below the first screenful: it is rendered, inside the list's visible box, and the list
    // scrolled only as far as it had to (the row sits at the bottom edge).
    const row = list.locator(`[data-index="${steps}"]`);
    await row.waitFor(PATIENCE);
    const [rowBox, listBox] = await Promise.all([row.boundingBox(), list.boundingBox()]);
    expect(rowBox && listBox).toBeTruthy();
    expect(rowBox!.y).toBeGreaterThanOrEqual(listBox!.y);
    expect(rowBox!.y + rowBox!.height).toBeLessThanOrEqual(listBox!.y + listBox!.height + 1);
    expect(rowBox!.y + rowBox!.height).toBeGreaterThan(listBox!.y + listBox!.height - 2 * rowBox!.height);
    const key = await row.getAttribute("data-key");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("key") === `text:${key}`);
    // Back up past the top of the viewport: the list follows.
    for (let i = 0; i < steps; i++) await page.keyboard.press("ArrowUp");
    await expect.poll(() => list.evaluate((element) => element.scrollTop), PATIENCE).toBe(0);
    await screenshot(page, "key-list-keyboard");
  });
});
