/**
 * The namespace tree of a 100k-key Redis: one shared index per connection, every first-level namespace in
 * the (virtualised) tree, deeper levels on demand, and no second scan for a new tab or another user.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startGetLoad } from "../support/busy-redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const viewer = { email: "viewer@example.test", password: "another horse battery" };

/** 100,000 keys: a few big namespaces plus 3,000 one-key namespaces that must not crowd them out. */
const MIX: [string, number][] = [
  ["myapp:user:", 61_000],
  ["myapp:counter:", 5_000],
  ["LITESTAR:", 15_000],
  [":1:views:", 5_000],
  ["cache:", 4_000],
  ["bull:mail:", 3_000],
  ["logs:", 2_000],
  ["ratelimit:", 2_000],
];
const TINY = 3_000;
const FIRST_LEVEL = ["myapp", "LITESTAR", "(empty)", "cache", "bull", "logs", "ratelimit", ...Array.from({ length: TINY }, (_, i) => `tiny${i}`)];

/** The nice value of a thread (Linux: /proc/<pid>/task/<tid>/stat, field 19). */
function niceOf(pid: number, tid: string | number): number {
  return Number(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[16]);
}

async function scanCalls(server: RedisServer): Promise<number> {
  const stats = await server.raw().info("commandstats");
  return Number(/cmdstat_scan:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

interface TreeState {
  generation: number;
  scannedAt: number | null;
}

async function treeState(page: Page, url: string): Promise<TreeState> {
  const response = await page.request.get(url);
  expect(response.status()).toBe(200);
  return (await response.json()) as TreeState;
}

/** Scrolls the virtualised tree from top to bottom, collecting each first-level row (label and count). */
async function firstLevelRows(page: Page): Promise<{ label: string; count: number }[]> {
  const scroller = page.getByTestId("namespace-tree").getByRole("tree");
  await scroller.evaluate((el) => (el.scrollTop = 0));
  const seen = new Map<string, number>();
  const order: string[] = [];
  for (;;) {
    const rows = await scroller.locator("[role=treeitem][aria-level='1']").evaluateAll((els) =>
      els.map((el) => ({ label: el.getAttribute("aria-label") ?? "", count: Number(el.getAttribute("data-count")), index: Number(el.getAttribute("data-index")) })),
    );
    for (const row of rows.sort((a, b) => a.index - b.index)) {
      if (!seen.has(row.label)) order.push(row.label);
      seen.set(row.label, row.count);
    }
    const done = await scroller.evaluate(async (el) => {
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return true;
      el.scrollTop += el.clientHeight - 40;
      // Two frames: the virtualiser renders the rows of the new scroll position.
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return false;
    });
    if (done) break;
  }
  return order.map((label) => ({ label, count: seen.get(label)! }));
}

describe("keyspace index on a 100k-key Redis", () => {
  let app: RunningApp;
  let browser: Browser;
  let redis: RedisServer;
  let id: string;

  beforeAll(async () => {
    [app, redis] = await Promise.all([startApp(), startRedis()]);
    const raw = redis.raw();
    for (const [prefix, count] of MIX) {
      for (let start = 0; start < count; start += 10_000) {
        const pipeline = raw.pipeline();
        for (let i = start; i < Math.min(count, start + 10_000); i++) pipeline.set(`${prefix}${i}`, "v");
        await pipeline.exec();
      }
    }
    const tiny = raw.pipeline();
    for (let i = 0; i < TINY; i++) tiny.set(`tiny${i}:only`, "x");
    await tiny.exec();
    expect(await raw.dbsize()).toBe(100_000);
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    await app.db.user.create({ data: { email: viewer.email, name: "Vic", role: "viewer", passwordHash: await hashPassword(viewer.password) } });
    const row = await app.db.connectionProfile.create({
      data: { name: "big mix", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }), environment: "development" },
    });
    id = row.id;
    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await redis?.stop();
    await app?.stop();
  });

  it("shows every first-level namespace, biggest first, and expands myapp into user and counter", async () => {
    const { page } = browser;
    const { pid } = app.process;
    // The server started the walks' thread with itself (seeding took seconds since), before any tree was asked for.
    expect(readdirSync(`/proc/${pid}/task`).filter((tid) => niceOf(pid, tid) === 19)).toHaveLength(1);
    await page.goto(`${app.url}/c/${id}`);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByTestId("index-status").filter({ hasText: /Scanned/ }).waitFor({ timeout: 90_000 });
    await screenshot(page, "keyspace-index-done");
    // The walk ran in the server's own low-priority thread (nice 19), not on its main thread.
    expect(app.process.output()).not.toContain("walks run on the main thread");
    expect(readdirSync(`/proc/${pid}/task`).filter((tid) => niceOf(pid, tid) === 19)).toHaveLength(1);
    expect(niceOf(pid, pid)).not.toBe(19);

    const rows = await firstLevelRows(page);
    expect(rows.map((r) => r.label).sort()).toEqual([...FIRST_LEVEL].sort());
    const counts = rows.map((r) => r.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(rows.slice(0, 3)).toEqual([
      { label: "myapp", count: 66_000 },
      { label: "LITESTAR", count: 15_000 },
      { label: "(empty)", count: 5_000 },
    ]);

    await tree.getByLabel("Filter namespaces").fill("tiny2999");
    await tree.getByRole("treeitem", { name: "tiny2999", exact: true }).waitFor();
    expect(await tree.locator("[role=treeitem][aria-level='1']").count()).toBe(1);
    await tree.getByLabel("Filter namespaces").fill("");

    await tree.getByRole("button", { name: "Expand myapp", exact: true }).click();
    const user = tree.locator("[role=treeitem][aria-level='2'][aria-label='user']");
    const counter = tree.locator("[role=treeitem][aria-level='2'][aria-label='counter']");
    await user.waitFor();
    await counter.waitFor();
    expect(await user.getAttribute("data-count")).toBe("61000");
    expect(await counter.getAttribute("data-count")).toBe("5000");
    await screenshot(page, "keyspace-index-myapp");
  }, 300_000);

  it("serves a deep link in a new tab and a second user from the same index, without scanning again", async () => {
    const api = `${app.url}/api/c/${id}/keys/tree`;
    const before = await treeState(browser.page, api);
    expect(before.scannedAt).not.toBeNull();
    const scansBefore = await scanCalls(redis);

    const tab = await browser.context.newPage();
    await tab.goto(`${app.url}/c/${id}?ns=${keyToParam(Buffer.from("myapp:"))}&key=${keyToParam(Buffer.from("myapp:user:7"))}`);
    await tab.getByTestId("key-name").filter({ hasText: "myapp:user:7" }).waitFor();
    const tabTree = tab.getByTestId("namespace-tree");
    await tabTree.getByRole("treeitem", { name: "LITESTAR", exact: true }).waitFor();
    expect(await tabTree.getByTestId("index-status").textContent()).toMatch(/Scanned/);

    const second = await openBrowser();
    try {
      await signInAs(second.page, app.url, viewer.email, viewer.password);
      await second.page.goto(`${app.url}/c/${id}`);
      const secondTree = second.page.getByTestId("namespace-tree");
      await secondTree.getByRole("treeitem", { name: "ratelimit", exact: true }).waitFor();
      expect(await secondTree.getByTestId("index-status").textContent()).toMatch(/Scanned/);
      await screenshot(second.page, "keyspace-index-second-user");
      const after = await treeState(second.page, api);
      expect(after.generation).toBe(before.generation);
      expect(after.scannedAt).toBe(before.scannedAt);
    } finally {
      await second.close();
      await tab.close();
    }
    // The key lists of the two pages scan a page or two; a whole-keyspace walk would be at least 100 SCANs.
    expect((await scanCalls(redis)) - scansBefore).toBeLessThan(50);
  }, 300_000);

  it("renders a built index with the page's HTML: the biggest namespaces before any script runs, the whole level once it does", async () => {
    // The index is built (by the tests before, or by this request's scan when run alone).
    await expect.poll(async () => (await treeState(browser.page, `${app.url}/api/c/${id}/keys/tree`)).scannedAt, { timeout: 120_000 }).not.toBeNull();
    const tab = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(tab);
    try {
      // What the server sent, before any script of the page runs: the tree is there, biggest first, and says
      // how many first-level namespaces there are (the HTML holds the biggest hundred).
      await cdp.send("Emulation.setScriptExecutionDisabled", { value: true });
      await tab.goto(`${app.url}/c/${id}`);
      const tree = tab.getByTestId("namespace-tree");
      const labels = await tree.locator("[role=treeitem][aria-level='1']").evaluateAll((els) => els.map((el) => el.getAttribute("aria-label")));
      expect(labels.slice(0, 3)).toEqual(["myapp", "LITESTAR", "(empty)"]);
      expect(await tree.getByTestId("index-status").textContent()).toMatch(/^Scanned/);
      expect(await tree.textContent()).toMatch(/100,000 keys · done/);
      expect(await tree.getByLabel("Filter namespaces").getAttribute("placeholder")).toBe(`Filter ${FIRST_LEVEL.length.toLocaleString("en-US")} namespaces`);
      await screenshot(tab, "keyspace-index-in-html");

      // With scripts, the page hydrates what it was sent (no mismatch) and reads the whole first level: every
      // namespace down to the smallest is in the tree, with no "Show more" left.
      await cdp.send("Emulation.setScriptExecutionDisabled", { value: false });
      const errors: string[] = [];
      tab.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      tab.on("pageerror", (error) => errors.push(error.message));
      await tab.reload();
      await tab.getByTestId("key-list-hydrating").waitFor({ state: "detached" });
      await expect.poll(async () => (await firstLevelRows(tab)).length, { timeout: 120_000 }).toBe(FIRST_LEVEL.length);
      expect(await tree.getByText(/Show more/).count()).toBe(0);
      expect(errors.filter((text) => /hydrat/i.test(text))).toEqual([]);
    } finally {
      await cdp.detach().catch(() => undefined);
      await tab.close();
    }
  }, 300_000);

  it("slows a production connection's scan while the server is busy, says so in the tree, and speeds up when it calms down; a job says so too", async () => {
    const row = await app.db.connectionProfile.create({
      data: { name: "big mix, production", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }), environment: "production" },
    });
    // The cache's own clients: 20 connections of pipelined GETs keep its command thread busy until stopped.
    const load = startGetLoad(redis.port);
    try {
      const { page } = browser;
      await page.goto(`${app.url}/c/${row.id}`);
      const tree = page.getByTestId("namespace-tree");
      // At a quarter of 1000 keys every 125 ms, 100k keys take 50 s: the badge shows while the scan runs.
      const gentle = tree.getByTestId("index-gentle");
      await gentle.waitFor({ timeout: 60_000 });
      expect(await gentle.textContent()).toBe("Slowed down: the server is busy.");
      expect(await tree.getByTestId("index-status").textContent()).toMatch(/^Scanning/);
      await screenshot(page, "keyspace-index-gentle");
      const wide = page.viewportSize();
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, "keyspace-index-gentle-390");
      if (wide) await page.setViewportSize(wide);
      await load.stop();
      // Calm again: the badge goes within a reading or two (one a second) while the scan goes on at the full pace, and it finishes.
      await gentle.waitFor({ state: "detached", timeout: 30_000 });
      await tree.getByTestId("index-status").filter({ hasText: /Scanned/ }).waitFor({ timeout: 120_000 });
      expect(await tree.textContent()).toMatch(/100,000 keys · done/);
    } finally {
      await load.stop();
    }

    // A job says it too: a namespace count on the busy server (its SCAN MATCH walks all 100k keys, at a quarter
    // of 1000 keys every 125 ms about 50 s), in its dialog and on the Jobs tab, where it is cancelled.
    const busy = startGetLoad(redis.port);
    try {
      const { page } = browser;
      const tree = page.getByTestId("namespace-tree");
      await tree.getByRole("treeitem", { name: "LITESTAR", exact: true }).hover();
      await tree.getByRole("button", { name: "Actions for LITESTAR", exact: true }).click();
      await page.getByRole("menuitem", { name: "Count keys" }).click();
      const dialog = page.getByRole("dialog");
      const note = dialog.getByTestId("job-gentle");
      await note.waitFor({ timeout: 60_000 });
      expect(await note.textContent()).toBe("Slowed down: the server is busy.");
      await screenshot(page, "keyspace-index-job-gentle");
      // Leaving the page leaves the job running (only the dialog's Cancel stops it).
      await page.goto(`${app.url}/c/${row.id}/jobs`);
      const running = page.getByRole("region", { name: "Running" }).getByTestId("job-item");
      await running.getByTestId("job-gentle").waitFor({ timeout: 60_000 });
      await screenshot(page, "jobs-gentle");
      const wide = page.viewportSize();
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, "jobs-gentle-390");
      if (wide) await page.setViewportSize(wide);
      await running.getByRole("button", { name: /^Cancel Count keys/ }).click();
      await page.getByRole("region", { name: "Running" }).getByText("No job is running on this connection.").waitFor({ timeout: 60_000 });
    } finally {
      await busy.stop();
    }
  }, 300_000);
});
