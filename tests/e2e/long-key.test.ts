/**
 * A key whose name is 1 MiB long opens in the key pane: the URL keeps a short handle instead of the key (a
 * 1.4 MB URL is refused by the server with 431), and the key itself travels in request bodies.
 */
import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { type Browser, createFirstAdmin, openBrowser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const LONG_KEY = `long:${"k".repeat(1024 * 1024 - 5)}`;

describe("a key with a 1 MiB name", () => {
  let redis: RedisServer;
  let raw: Redis;
  let app: RunningApp;
  let browser: Browser;
  let connectionId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    raw = redis.raw();
    await raw.set(LONG_KEY, "hello from a long key");
    await raw.set("long:short", "a short neighbour");
    app = await startApp();
    browser = await openBrowser();
    const { page } = browser;
    page.on("pageerror", (error) => pageErrors.push(`${error.message}\n${error.stack ?? ""}`));
    await createFirstAdmin(page, app.url, admin);
    const profile = await app.db.connectionProfile.create({
      data: { name: "local redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) },
    });
    connectionId = profile.id;
  });

  afterAll(async () => {
    raw?.disconnect();
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  it("opens in the pane from the list, with a short URL, and downloads its value", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${connectionId}?ns=${keyToParam(Buffer.from("long:"))}`);
    const row = page.locator('[role="row"][data-key^="long:kkkk"]');
    await row.waitFor();
    await row.click();
    const detail = page.getByTestId("key-detail");
    await detail.waitFor();
    await detail.getByTestId("value-view").filter({ hasText: "hello from a long key" }).waitFor();
    expect(page.url().length).toBeLessThan(4096);
    expect(new URL(page.url()).searchParams.get("key")).toMatch(/^~/);

    // Reloading the tab keeps the pane: the handle resolves from this tab's session storage.
    await page.reload();
    await page.getByTestId("key-detail").getByTestId("value-view").filter({ hasText: "hello from a long key" }).waitFor();

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
    expect(readFileSync((await download.path())!, "utf8")).toBe("hello from a long key");
    expect(pageErrors).toEqual([]);
  });
});
