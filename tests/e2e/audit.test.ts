/**
 * The audit log end to end, with the key browser's own editing UI on a real Redis: an editor edits a value,
 * the audit page shows the entry with before, after and the difference, undo restores the value and the TTL,
 * and undoing again after an outside change reports the conflict. A hash deleted through the UI comes back
 * with every field and its TTL. The filtered log exports as CSV and JSON Lines.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const editor = { email: "editor@example.test", password: "editor password 1" };

describe("audit log and undo", () => {
  let redis: RedisServer;
  let raw: Redis;
  let app: RunningApp;
  let browser: Browser;
  let connectionId = "";

  const openKey = async (key: string) => {
    await browser.page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from(key))}`);
    await browser.page.getByTestId("key-detail").waitFor();
  };

  /** Opens the newest entry of an action on the audit page and returns its list item. */
  const openEntry = async (action: string) => {
    // The cache changes before the action records its entry: wait for the entry, not for the cache.
    await expect.poll(() => app.db.auditEntry.count({ where: { action, outcome: "ok" } }), { timeout: 10_000 }).toBeGreaterThan(0);
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action, outcome: "ok" }, orderBy: { id: "desc" } });
    const { page } = browser;
    await page.goto(`${app.url}/audit`);
    const item = page.getByTestId(`audit-entry-${entry.id}`);
    await item.locator("summary").click();
    return { item, entry };
  };

  /** When the seeded TTLs were set: a restored TTL is what was left of them, however slow the machine. */
  let ttlsSetAt = 0;
  const expectTtlKept = (ttl: number, seeded: number) => {
    expect(ttl).toBeLessThanOrEqual(seeded);
    expect(ttl).toBeGreaterThanOrEqual(seeded - Math.ceil((Date.now() - ttlsSetAt) / 1000) - 1);
  };

  beforeAll(async () => {
    redis = await startRedis();
    raw = redis.raw();
    await raw.set("greeting", "hello", "EX", 3600);
    await raw.hset("user:7", { name: "Ada", email: "ada@example.test", visits: "12" });
    await raw.expire("user:7", 7200);
    ttlsSetAt = Date.now();
    app = await startApp();
    await app.db.user.create({ data: { email: editor.email, name: "Eddie Editor", role: "editor", passwordHash: await hashPassword(editor.password) } });
    connectionId = (
      await app.db.connectionProfile.create({ data: { name: "app cache", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } })
    ).id;
    browser = await openBrowser();
    await signInAs(browser.page, app.url, editor.email, editor.password);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  it("shows an edit with before and after, and undo restores the value and its TTL", async () => {
    const { page } = browser;
    await openKey("greeting");
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    await page.getByLabel("Value editor").fill("hello world");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => raw.get("greeting"), { timeout: 10_000 }).toBe("hello world");
    // Shorten the TTL behind the app's back: undo must bring back the one recorded before the edit.
    await raw.expire("greeting", 100);

    const { item, entry } = await openEntry("keys.write-value");
    expect(entry.actorEmail).toBe(editor.email);
    await item.getByRole("region", { name: "Before" }).getByText("hello", { exact: true }).waitFor();
    await item.getByRole("region", { name: "After" }).getByText("hello world", { exact: true }).waitFor();
    await item.getByRole("region", { name: "Difference" }).waitFor();
    await screenshot(page, "audit-entry-edit");

    // The TTL was changed outside but the value was not: undo goes through without asking.
    await item.getByRole("button", { name: "Undo this change" }).click();
    await page.getByRole("status").filter({ hasText: "Undone: greeting is back as it was." }).waitFor();
    expect(await raw.get("greeting")).toBe("hello");
    expectTtlKept(await raw.ttl("greeting"), 3600);
    const undo = await app.db.auditEntry.findFirstOrThrow({ where: { action: "audit.undo" }, orderBy: { id: "desc" } });
    expect(undo).toMatchObject({ outcome: "ok", undoOfId: entry.id, actorEmail: editor.email });
  });

  it("reports a conflict when undoing again after an outside change", async () => {
    const { page } = browser;
    await raw.set("greeting", "changed by the app", "KEEPTTL");
    const { item } = await openEntry("keys.write-value");
    await item.getByRole("button", { name: "Undo this change" }).click();
    const dialog = page.getByRole("dialog", { name: "The key has changed since" });
    await dialog.getByText(/changed since this entry/).waitFor();
    await screenshot(page, "audit-undo-conflict");
    expect(await raw.get("greeting")).toBe("changed by the app");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    const refused = await app.db.auditEntry.findFirstOrThrow({ where: { action: "audit.undo" }, orderBy: { id: "desc" } });
    expect(refused).toMatchObject({ outcome: "error", errorCode: "CONFLICT" });
  });

  it("brings back a hash deleted through the UI with all its fields and its TTL", async () => {
    const { page } = browser;
    await openKey("user:7");
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByRole("dialog", { name: "Delete this key?" }).getByRole("button", { name: "Delete key" }).click();
    await expect.poll(() => raw.exists("user:7"), { timeout: 10_000 }).toBe(0);

    const { item } = await openEntry("keys.delete");
    await item.getByRole("region", { name: "Before" }).getByText("email: ada@example.test").waitFor();
    await item.getByRole("region", { name: "After" }).getByText("The key did not exist.").waitFor();
    await screenshot(page, "audit-entry-delete");
    await item.getByRole("button", { name: "Undo this change" }).click();
    await page.getByRole("status").filter({ hasText: "Undone: user:7 is back as it was." }).waitFor();
    expect(await raw.hgetall("user:7")).toEqual({ name: "Ada", email: "ada@example.test", visits: "12" });
    expectTtlKept(await raw.ttl("user:7"), 7200);

    await openKey("user:7");
    await page.getByTestId("key-type").filter({ hasText: /hash/i }).waitFor();
  });

  it("filters the log and exports it as CSV and JSON Lines", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/audit?action=audit.undo`);
    await expect(page.locator("[data-testid^=audit-entry-]").count()).resolves.toBe(3);
    await screenshot(page, "audit-filtered");
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), `${app.url}/api/audit/export?format=csv&action=audit.undo`);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,at,actor,connection,action,key,/);
    expect(lines).toHaveLength(4);
    expect(lines.filter((l) => l.includes(",CONFLICT,"))).toHaveLength(1);
    const jsonl = await page.evaluate(async (url) => (await fetch(url)).text(), `${app.url}/api/audit/export?format=jsonl&keyPrefix=user:`);
    const rows = jsonl.trim().split("\n").map((l) => JSON.parse(l) as { action: string; key: string });
    expect(rows.map((r) => r.action)).toEqual(["audit.undo", "keys.delete"]);
    expect(rows.every((r) => r.key === "user:7")).toBe(true);

    const dark = await openBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, app.url, editor.email, editor.password);
      await dark.page.goto(`${app.url}/audit`);
      const first = dark.page.locator("[data-testid^=audit-entry-]").nth(3);
      await first.locator("summary").click();
      await screenshot(dark.page, "audit-dark");
    } finally {
      await dark.close();
    }
  });
});
