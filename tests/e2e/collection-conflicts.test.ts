/**
 * Collection edits in the key pane against a real Redis while another client changes the same key: the save
 * is refused, the dialog shows both versions, nothing is overwritten until the person chooses; and a pending
 * audit entry reads as such on the audit page.
 */
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };

describe("collection conflicts in the key pane", () => {
  let app: RunningApp;
  let browser: Browser;
  let redis: RedisServer;
  let raw: Redis;
  let connectionId = "";
  const pageErrors: string[] = [];

  const open = async (key: string) => {
    await browser.page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from(key))}`);
    await browser.page.getByTestId("collection-table").waitFor();
  };

  beforeAll(async () => {
    [app, redis] = await Promise.all([startApp(), startRedis()]);
    raw = redis.raw();
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    const profile = await app.db.connectionProfile.create({
      data: { name: "local redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) },
    });
    connectionId = profile.id;
    browser = await openBrowser();
    browser.page.on("pageerror", (error) => pageErrors.push(error.message));
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await redis?.stop();
    await app?.stop();
  });

  it("refuses a hash field save after another session changed the field, shows both, and overwrites only when asked", async () => {
    const { page } = browser;
    await raw.hset("settings:site", "mode", "seen", "other", "x");
    await open("settings:site");
    await page.getByRole("row", { name: /mode/ }).getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Value", { exact: true }).fill("mine");
    await raw.hset("settings:site", "mode", "theirs");
    await page.getByRole("button", { name: "Save", exact: true }).click();

    const dialog = page.getByRole("dialog", { name: "The value changed while you were editing" });
    await dialog.getByTestId("conflict-theirs").filter({ hasText: "mode = theirs" }).waitFor();
    expect(await dialog.getByTestId("conflict-mine").textContent()).toBe("mode = mine");
    await screenshot(page, "collection-conflict-hash");
    expect(await raw.hget("settings:site", "mode")).toBe("theirs");

    await dialog.getByRole("button", { name: "Save my edit over it" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    expect(await raw.hget("settings:site", "mode")).toBe("mine");
    expect(await raw.hget("settings:site", "other")).toBe("x");
  });

  it("refuses to overwrite index 0 after another session removed the list's head", async () => {
    const { page } = browser;
    await raw.rpush("jobs:queue", "a", "b", "c");
    await open("jobs:queue");
    await page.getByRole("row", { name: /^0 a/ }).getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Value", { exact: true }).fill("A");
    await raw.lpop("jobs:queue");
    await page.getByRole("button", { name: "Save", exact: true }).click();

    const dialog = page.getByRole("dialog", { name: "The value changed while you were editing" });
    await dialog.getByTestId("conflict-theirs").filter({ hasText: "b" }).waitFor();
    expect(await dialog.getByTestId("conflict-mine").textContent()).toBe("#0 A");
    await dialog.getByRole("button", { name: "Keep stored version and reload" }).click();
    await page.getByRole("cell", { name: "b", exact: true }).waitFor();
    expect(await raw.lrange("jobs:queue", 0, -1)).toEqual(["b", "c"]);
  });

  it("removes the list element that was clicked, not the first equal one, and refuses when it changed", async () => {
    const { page } = browser;
    await raw.rpush("jobs:dupes", "x", "y", "x");
    await open("jobs:dupes");
    await page.getByRole("row", { name: /^2 x/ }).getByRole("button", { name: "Remove" }).click();
    await page.getByRole("status").filter({ hasText: "Removed" }).waitFor();
    expect(await raw.lrange("jobs:dupes", 0, -1)).toEqual(["x", "y"]);

    // "1 y" was on screen before the removal too: wait for the reload to show the two-element list, so
    // the change below happens after the pane last read the list, not before a late reload picks it up.
    await page.getByRole("row", { name: /^2 x/ }).waitFor({ state: "detached" });
    await page.getByRole("row", { name: /^1 y/ }).waitFor();
    await raw.lset("jobs:dupes", 1, "z");
    await page.getByRole("row", { name: /^1 y/ }).getByRole("button", { name: "Remove" }).click();
    const dialog = page.getByRole("dialog", { name: "The value changed while you were editing" });
    await dialog.getByTestId("conflict-theirs").filter({ hasText: "z" }).waitFor();
    expect(await raw.lrange("jobs:dupes", 0, -1)).toEqual(["x", "z"]);
  });

  it("shows a sorted-set score changed by someone else and keeps it", async () => {
    const { page } = browser;
    await raw.zadd("board", 10, "ada", 20, "bob");
    await open("board");
    await page.getByRole("row", { name: /ada/ }).getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Score").fill("11");
    await raw.zadd("board", 15, "ada");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "The value changed while you were editing" });
    await dialog.getByTestId("conflict-theirs").filter({ hasText: "ada score 15" }).waitFor();
    expect(await raw.zscore("board", "ada")).toBe("15");
  });

  it("marks an audit entry whose outcome was never written as pending", async () => {
    const { page } = browser;
    const entry = await app.db.auditEntry.create({
      data: { actorEmail: admin.email, action: "keys.create", outcome: "pending", status: "pending", targetKey: new Uint8Array(Buffer.from("lost:key")) },
    });
    await page.goto(`${app.url}/audit`);
    const row = page.getByTestId(`audit-entry-${entry.id}`);
    await row.getByTestId("audit-status").filter({ hasText: "pending / outcome unknown" }).waitFor();
  });
});
