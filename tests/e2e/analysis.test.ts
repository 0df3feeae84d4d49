/**
 * The keyspace analysis page in Chromium: an editor starts an analysis of a Redis seeded by redis-py, waits
 * for it, reads the figures, sorts the namespace table, opens a top key in the key browser and exports the
 * report; a viewer reads the report but cannot start one. Screenshots in light, dark and at 390 px.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { debianPython } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const editor = { email: "editor@example.test", password: "correct horse battery" };
const viewer = { email: "viewer@example.test", password: "another horse battery" };

const SEED = `
import sys, redis
r = redis.Redis(port=int(sys.argv[1]))
p = r.pipeline(transaction=False)
for i in range(3000): p.set(f"app:user:{i}", "u" * (10 + i % 300))
for i in range(1200): p.set(f"app:session:{i}", "s" * 200, px=30 * 60 * 1000)
for i in range(800): p.set(f"cache:page:{i}", "p" * 1000, ex=2 * 86400)
p.hset("cache:h:big", mapping={f"f{i}": "v" * 20 for i in range(1500)})
p.rpush("queue:jobs", *[f"job-{i}" for i in range(700)])
p.zadd("board:scores", {f"p{i}": i for i in range(250)})
for i in range(5): p.set(f"plain{i}", "x")
p.execute()
`;
const TOTAL = 3000 + 1200 + 800 + 1 + 1 + 1 + 5;

describe("keyspace analysis page", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let id = "";
  const browsers: Browser[] = [];
  const open = async (options?: Parameters<typeof openBrowser>[0]) => {
    const browser = await openBrowser(options);
    browsers.push(browser);
    return browser.page;
  };

  beforeAll(async () => {
    [app, redis] = await Promise.all([startApp(), startRedis()]);
    execFileSync(debianPython(), ["-c", SEED, String(redis.port)]);
    expect(await redis.raw().dbsize()).toBe(TOTAL);
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
    await app?.stop();
  });

  it("an editor runs an analysis and reads exact figures", async () => {
    const page = await open();
    await signInAs(page, app.url, editor.email, editor.password);
    await page.goto(`${app.url}/c/${id}`);
    await page.getByRole("navigation", { name: "Connection" }).getByRole("link", { name: "Analysis" }).click();
    await page.waitForURL(`${app.url}/c/${id}/analysis`);
    await page.getByText("No analysis of this connection yet.").waitFor();
    expect(await page.getByTestId("analysis-pace").textContent()).toContain("pauses 125 ms between scan calls");
    await screenshot(page, "analysis-empty");

    await page.getByRole("button", { name: "Analyze keyspace" }).click();
    const report = page.getByTestId("analysis-report");
    await report.waitFor({ timeout: 90_000 });
    await page.waitForURL(/\/analysis\?report=/);
    expect(await page.getByTestId("analysis-keys").textContent()).toBe(TOTAL.toLocaleString("en-US"));
    const memory = (await redis.raw().call("MEMORY", "USAGE", "cache:h:big", "SAMPLES", "0")) as number;
    const biggest = page.getByTestId("top-bytes").locator("tbody tr").first();
    expect(await biggest.locator("a").textContent()).toBe("cache:h:big");
    expect(memory).toBeGreaterThan(30_000);
    expect(await page.getByTestId("analysis-no-ttl").textContent()).toBe((3000 + 3 + 5).toLocaleString("en-US"));
    const hour = page.getByTestId("ttl-histogram").locator("[data-bucket=hour]");
    expect(await hour.textContent()).toContain("1,200 keys");
    const longest = page.getByTestId("top-length").locator("tbody tr");
    expect(await longest.locator("a").allTextContents()).toEqual(["cache:h:big", "queue:jobs", "board:scores"]);
    expect(await page.getByTestId("report-list").locator("li").count()).toBe(1);
    expect(await page.getByTestId("treemap").getByRole("link").count()).toBe(4);
    await page.getByTestId("treemap").getByRole("link", { name: /^app: — / }).waitFor();
    await screenshot(page, "analysis-report-light");

    // Namespaces: level 1 by bytes, then by keys without TTL; level 2 shows app:user: and its share.
    const table = page.getByTestId("namespace-table");
    const firstColumn = () => table.locator("tbody tr td:first-child a").allTextContents();
    expect((await firstColumn()).sort()).toEqual(["app:", "board:", "cache:", "queue:"]);
    await table.getByRole("button", { name: "No TTL" }).click();
    expect((await firstColumn())[0]).toBe("app:");
    await page.getByLabel("Namespace level").selectOption("2");
    await table.getByRole("button", { name: "Keys" }).click();
    expect((await firstColumn()).slice(0, 3)).toEqual(["app:user:", "app:session:", "cache:page:"]);
    const userRow = table.locator("tbody tr").first();
    expect(await userRow.locator("td").nth(3).textContent()).toBe("3,000");
    await screenshot(page, "analysis-namespaces-level2");

    // Export: CSV and JSON of the stored report.
    const csvHref = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
    const csv = await page.request.get(`${app.url}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(`namespace,app:user:,${Buffer.from("app:user:").toString("base64url")},2,,3000,`);
    const jsonHref = await page.getByRole("link", { name: "Export JSON" }).getAttribute("href");
    const json = (await (await page.request.get(`${app.url}${jsonHref}`)).json()) as { figures: { totals: { keys: number } } };
    expect(json.figures.totals.keys).toBe(TOTAL);

    // A top key opens in the key browser.
    await biggest.locator("a").click();
    await page.waitForURL((url) => url.pathname === `/c/${id}` && url.searchParams.get("key") === "text:cache:h:big");
    await page.getByTestId("key-name").filter({ hasText: "cache:h:big" }).waitFor();
    await screenshot(page, "analysis-opened-key");
  });

  it("a viewer reads the report in dark mode and at 390 px, and cannot start one", async () => {
    const dark = await open({ colorScheme: "dark" });
    await signInAs(dark, app.url, viewer.email, viewer.password);
    await dark.goto(`${app.url}/c/${id}/analysis`);
    await dark.getByTestId("analysis-report").waitFor();
    expect(await dark.getByRole("button", { name: "Analyze keyspace" }).count()).toBe(0);
    expect(await dark.getByRole("button", { name: /^Delete the report/ }).count()).toBe(0);
    await dark.getByText("Viewers read finished reports").waitFor();
    expect(await dark.getByTestId("analysis-keys").textContent()).toBe(TOTAL.toLocaleString("en-US"));
    await screenshot(dark, "analysis-report-dark");

    const narrow = await open({ viewport: { width: 390, height: 844 } });
    await signInAs(narrow, app.url, viewer.email, viewer.password);
    await narrow.goto(`${app.url}/c/${id}/analysis`);
    await narrow.getByTestId("analysis-report").waitFor();
    const overflow = await narrow.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(narrow, "analysis-report-390");
    await narrow.getByTestId("namespace-table").scrollIntoViewIfNeeded();
    await screenshot(narrow, "analysis-namespaces-390");
  });

  it("compares a second analysis with the first: growth, new and vanished namespaces", async () => {
    const raw = redis.raw();
    const pipeline = raw.pipeline();
    for (let i = 0; i < 400; i++) pipeline.set(`fresh:${i}`, "f".repeat(1000));
    pipeline.del("board:scores");
    await pipeline.exec();
    const page = browsers[0].page;
    await page.goto(`${app.url}/c/${id}/analysis`);
    const firstUrl = page.url();
    await page.getByRole("button", { name: "Analyze keyspace" }).click();
    await page.waitForURL((url) => url.searchParams.has("report") && url.toString() !== firstUrl);
    await page.getByTestId("report-list").locator("li").nth(1).waitFor();
    expect(await page.getByTestId("analysis-keys").textContent()).toBe((TOTAL + 399).toLocaleString("en-US"));

    await page.getByRole("link", { name: /^Compare with the report of/ }).click();
    const comparison = page.getByTestId("comparison");
    await comparison.waitFor();
    expect(await page.getByTestId("comparison-totals").textContent()).toContain(`${TOTAL.toLocaleString("en-US")} → ${(TOTAL + 399).toLocaleString("en-US")} (+399)`);
    const rows = comparison.locator("tbody tr");
    const fresh = rows.filter({ hasText: "fresh:" });
    expect(await fresh.textContent()).toContain("new");
    expect(await fresh.locator("td").nth(4).textContent()).toBe("+400");
    expect(await rows.filter({ hasText: "board:" }).textContent()).toContain("vanished");
    await screenshot(page, "analysis-compare-light");

    const dark = browsers[1].page;
    await dark.goto(page.url());
    await dark.getByTestId("comparison").waitFor();
    await screenshot(dark, "analysis-compare-dark");
  });
});
