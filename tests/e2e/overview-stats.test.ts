/**
 * The overview's live figures and the stats page's charts, on a real Redis (read-only), memcached and uWSGI:
 * each card shows memory, keys, hit ratio and version, an unreachable connection's card says so while the
 * others fill in, and the stats page draws charts with axes and hover values from history the server kept
 * while nobody was looking. The app samples every 400 ms here (CACHEBOARD_STATS_SAMPLE_MS) and the tests
 * wait for conditions, never for durations.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { fetchStats } from "@/lib/drivers/uwsgi/protocol";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { freePort } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
// 390 last: its picture of the charts scrolls the page.
const WIDTHS = [1280, 1920, 390];

/** Polls `read` in the page until `accept` holds; no fixed waits. */
async function until<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    last = await read();
  }
  return last;
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    // Let the charts' resize observers lay out at the new width before the picture.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const file = await screenshot(page, `${name}-${width}`);
    // The page scrolls inside the shell, so a full-page picture would not show more: scroll to the first chart.
    const charts = page.getByTestId("time-chart").first();
    if (width === 390 && (await charts.count())) {
      await charts.scrollIntoViewIfNeeded();
      await page.screenshot({ path: file.replace(/\.png$/, "-chart.png") });
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("overview figures and stats history", () => {
  let app: RunningApp;
  let browser: Browser;
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;
  const ids = { redis: "", memcached: "", uwsgi: "", down: "" };

  beforeAll(async () => {
    [app, redis, memcached, uwsgi] = await Promise.all([
      startApp({ CACHEBOARD_STATS_SAMPLE_MS: "400" }),
      startRedis(),
      startMemcached(1),
      startUwsgi([{ name: "pages", items: 100, blocksize: 4096 }]),
    ]);
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });

    // Known reads on each server: Redis 3 hits and 1 miss; memcached and uWSGI 1 hit and 1 miss.
    const raw = redis.raw();
    await raw.set("user:1", "Ada");
    await raw.set("user:2", "Bob");
    for (let i = 0; i < 3; i++) await raw.get("user:1");
    await raw.get("user:404");
    await memcached.rawSet(Buffer.from("page:1"), Buffer.from("<html>"));
    await memcached.rawGet(Buffer.from("page:1"));
    await memcached.rawGet(Buffer.from("page:404"));
    await uwsgi.app({ op: "set", cache: "pages", key: Buffer.from("home"), value: Buffer.from("<html>") });
    await uwsgi.app({ op: "get", cache: "pages", key: Buffer.from("home") });
    await uwsgi.app({ op: "get", cache: "pages", key: Buffer.from("gone") });

    const create = async (name: string, kind: string, settings: unknown, extra: { readOnly?: boolean; timeoutMs?: number } = {}) =>
      (await app.db.connectionProfile.create({ data: { name, kind, settings: JSON.stringify(settings), ...extra } })).id;
    ids.redis = await create("Sessions", "redis", { host: "127.0.0.1", port: redis.port }, { readOnly: true });
    ids.memcached = await create("Django pages", "memcached", { servers: memcached.addresses });
    ids.uwsgi = await create("uWSGI pages", "uwsgi", { address: uwsgi.address, statsAddress: uwsgi.statsAddress }, { timeoutMs: UWSGI_TEST_TIMEOUT_MS });
    ids.down = await create("Old cache", "redis", { host: "127.0.0.1", port: await freePort() }, { timeoutMs: 1_000 });

    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await Promise.all([redis?.stop(), memcached?.stop(), uwsgi?.stop()]);
  });

  const figure = (page: Page, id: string, label: string) => page.getByTestId(`overview-card-${id}`).locator(`dd[data-figure="${label}"]`);

  it("shows each connection's memory, keys, hit ratio and version on the overview, and says plainly which one is unreachable", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/`);
    await page.getByRole("heading", { name: "Connections" }).waitFor();
    for (const id of [ids.redis, ids.memcached, ids.uwsgi]) await page.locator(`[data-testid="overview-card-${id}"][data-state="up"]`).waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid="overview-card-${ids.down}"][data-state="down"]`).waitFor({ timeout: 30_000 });

    const card = (id: string) => page.getByTestId(`overview-card-${id}`);
    await expect(card(ids.redis).textContent()).resolves.toMatch(/Redis 7\.\d+\.\d+/);
    await expect(card(ids.redis).textContent()).resolves.toContain("read-only");
    await expect(figure(page, ids.redis, "Keys").textContent()).resolves.toBe("2");
    await expect(figure(page, ids.redis, "Hit ratio").textContent()).resolves.toBe("75.0 %");
    await expect(figure(page, ids.redis, "Memory used / max").textContent()).resolves.toMatch(/^[\d.]+ (KiB|MiB) \/ no limit$/);
    await expect(figure(page, ids.redis, "Clients").textContent()).resolves.toMatch(/^\d+$/);
    await expect(figure(page, ids.redis, "Uptime").textContent()).resolves.toMatch(/^\d+ (s|min|h|d)\b/);
    await expect(figure(page, ids.redis, "Ops").textContent()).resolves.toMatch(/\/s$/);

    await expect(card(ids.memcached).textContent()).resolves.toMatch(/Memcached 1\.\d+\.\d+/);
    await expect(figure(page, ids.memcached, "Keys").textContent()).resolves.toBe("1");
    await expect(figure(page, ids.memcached, "Hit ratio").textContent()).resolves.toBe("50.0 %");
    await expect(figure(page, ids.memcached, "Memory used / max").textContent()).resolves.toMatch(/^\d+ B \/ [\d.]+ (MiB|GiB)$/);
    await expect(figure(page, ids.memcached, "Evictions").textContent()).resolves.toBe("0");

    await expect(card(ids.uwsgi).textContent()).resolves.toMatch(/uWSGI cache 2\.\d+\.\d+/);
    await expect(figure(page, ids.uwsgi, "Keys").textContent()).resolves.toBe("1");
    // The driver checks for uWSGI's cache plugin once with a read of a random key, which uWSGI counts as a
    // miss: the card must show the ratio of the server's own counters, 1 hit to 1 or 2 misses.
    const uwsgiCounted = async () => {
      const pages = (await fetchStats(uwsgi.statsAddress, UWSGI_TEST_TIMEOUT_MS)).caches?.find((c) => c.name === "pages");
      return pages ? `${((100 * pages.hits) / (pages.hits + pages.miss)).toFixed(1)} %` : "";
    };
    const [shown, counted] = await until(
      "the uWSGI hit ratio as the server counts it",
      async () => [await figure(page, ids.uwsgi, "Hit ratio").textContent(), await uwsgiCounted()] as const,
      ([a, b]) => a === b,
    );
    expect(shown).toBe(counted);
    expect(["50.0 %", "33.3 %"]).toContain(shown);
    // uWSGI's stats server gives the cache's size, not how much of it is used: said so, not invented.
    await expect(figure(page, ids.uwsgi, "Memory used / max").textContent()).resolves.toBe("used not reported / 400 KiB");
    await expect(figure(page, ids.uwsgi, "Clients").textContent()).resolves.toBe("not reported");

    await expect(card(ids.down).textContent()).resolves.toContain("Unreachable: the server did not answer.");
    await expect(card(ids.down).textContent()).resolves.toContain("CONNECTION_REFUSED");

    // Live: a new key shows up on the card without reloading the page.
    await redis.raw().set("user:3", "Cy");
    await until("the Redis card's key count", () => figure(page, ids.redis, "Keys").textContent(), (text) => text === "3");
    // The sampler sent only read commands to the read-only Redis: the keys are the test's own.
    expect((await redis.raw().keys("*")).sort()).toEqual(["user:1", "user:2", "user:3"]);
    await shoot(page, "overview");
    const dark = await openBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, app.url, admin.email, admin.password);
      await dark.page.goto(`${app.url}/`);
      await dark.page.locator(`[data-testid="overview-card-${ids.redis}"][data-state="up"]`).waitFor({ timeout: 30_000 });
      await screenshot(dark.page, "overview-dark-1280");
    } finally {
      await dark.close();
    }
  });

  const chart = (page: Page, title: string) => page.getByRole("region", { name: title, exact: true }).getByTestId("time-chart");

  it("draws the stats charts with axes and hover values, and shows the server's history on a later visit", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${ids.redis}/stats`);
    await page.getByRole("heading", { name: "Stats of Sessions" }).waitFor();
    const memory = chart(page, "Memory used");
    const seen = await until("samples on the memory chart", async () => Number(await memory.getAttribute("data-samples")), (n) => n >= 4);
    const firstAt = Number(await memory.getAttribute("data-first-at"));

    // Axes: time along x, the figure's unit along y.
    await expect(memory.getAttribute("data-y-ticks")).resolves.toMatch(/\d+(\.\d)? (B|KiB|MiB)/);
    await expect(memory.getAttribute("data-x-ticks")).resolves.toMatch(/\d{2}:\d{2}:\d{2}/);
    await expect(chart(page, "Hit ratio").getAttribute("data-y-ticks")).resolves.toMatch(/^0 %.*100 %$/);
    await expect(chart(page, "Operations per second").getAttribute("data-y-ticks")).resolves.toMatch(/\/s/);

    // Hover: at rest the legend shows the newest values; under the pointer, the time and value there.
    const legend = (n: number) => memory.locator(".u-legend .u-series").nth(n).locator(".u-value");
    await expect(legend(0).textContent()).resolves.toContain("(latest)");
    const box = (await memory.locator(".u-over").boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await until("the time under the pointer", () => legend(0).textContent(), (text) => /^\d{2}:\d{2}:\d{2}( [AP]M)?$/.test(text ?? ""));
    await expect(legend(1).textContent()).resolves.toMatch(/^[\d.]+ (B|KiB|MiB)$/);
    await page.getByText(/sampled every 0\.4 s · \d+ samples/).waitFor();
    await shoot(page, "stats-redis");
    const dark = await openBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, app.url, admin.email, admin.password);
      await dark.page.goto(`${app.url}/c/${ids.redis}/stats`);
      await until("samples in the dark page", async () => Number(await chart(dark.page, "Memory used").getAttribute("data-samples")), (n) => n >= 2);
      await screenshot(dark.page, "stats-redis-dark-1280");
    } finally {
      await dark.close();
    }

    // Away and back with a fresh page load: the history comes from the server, not from this tab.
    await page.goto(`${app.url}/`);
    await page.getByRole("heading", { name: "Connections" }).waitFor();
    await page.goto(`${app.url}/c/${ids.redis}/stats`);
    await until("the chart on the second visit", async () => Number(await chart(page, "Memory used").getAttribute("data-samples")), (n) => n >= 1);
    expect(Number(await chart(page, "Memory used").getAttribute("data-first-at"))).toBeLessThanOrEqual(firstAt);
    expect(Number(await chart(page, "Memory used").getAttribute("data-samples"))).toBeGreaterThanOrEqual(seen);
  });

  it("charts memcached's and uWSGI's hit ratio, and says what uWSGI does not report", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${ids.memcached}/stats`);
    await page.getByRole("heading", { name: "Stats of Django pages" }).waitFor();
    await until("memcached samples", async () => Number(await chart(page, "Hit ratio").getAttribute("data-samples")), (n) => n >= 3);
    // One hit and one miss between two samples give that interval 50 %; a pair split by a sample is read again.
    const memcachedReads = async () => {
      await memcached.rawGet(Buffer.from("page:1"));
      await memcached.rawGet(Buffer.from("page:404"));
      return chart(page, "Hit ratio").getAttribute("aria-label");
    };
    await until("memcached's interval hit ratio", memcachedReads, (label) => /latest hit ratio 50(\.0)? %/.test(label ?? ""));
    await shoot(page, "stats-memcached");

    await page.goto(`${app.url}/c/${ids.uwsgi}/stats`);
    await page.getByRole("heading", { name: "Stats of uWSGI pages" }).waitFor();
    await until("uWSGI samples", async () => Number(await chart(page, "Hit ratio").getAttribute("data-samples")), (n) => n >= 3);
    const uwsgiReads = async () => {
      await uwsgi.app({ op: "get", cache: "pages", key: Buffer.from("home") });
      await uwsgi.app({ op: "get", cache: "pages", key: Buffer.from("gone") });
      return chart(page, "Hit ratio").getAttribute("aria-label");
    };
    await until("uWSGI's interval hit ratio", uwsgiReads, (label) => /latest hit ratio 50(\.0)? %/.test(label ?? ""));
    await page.getByRole("region", { name: "Clients", exact: true }).getByText("not reported").waitFor();
    await shoot(page, "stats-uwsgi");
  });
});
