/**
 * Connections end to end: an admin pastes a Redis URL (a real Redis with a password on a free port), tests
 * it, saves it and browses it; the password stays write-only; the stats page charts the server; a viewer sees
 * the connection without write controls, and the server refuses the writes a viewer forges anyway.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const root = path.resolve(import.meta.dirname, "../..");
const admin = { email: "admin@example.test", password: "correct horse battery" };
const viewer = { email: "viewer@example.test", password: "viewer password 1" };
const REDIS_PASSWORD = "s3cret-redis-pass";

/**
 * The id of a built server action, and a page that serves it, from the build's action manifest; `[id]` in
 * the page's path becomes `routeId`, so the page renders for a real connection.
 */
function actionRef(file: string, name: string, routeId = "x"): { id: string; page: string } {
  const manifest = JSON.parse(readFileSync(path.join(root, process.env.CACHEBOARD_DIST_DIR || ".next", "server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.filename === file && entry.exportedName === name);
  if (!found) throw new Error(`${file}#${name} is not in the build`);
  const workers = Object.keys(found[1].workers);
  const worker = workers.find((w) => !w.includes("[")) ?? workers[0];
  const page = "/" + worker.replace(/^app\//, "").replace(/\/?page$/, "").split("/").filter((s) => s && !/^\(.*\)$/.test(s)).map((s) => (s.startsWith("[") ? routeId : s)).join("/");
  return { id: found[0], page };
}

/** Calls a server action from inside the page, with the signed-in person's cookie, as a forged request would. */
async function forgeAction(page: Page, baseUrl: string, ref: { id: string; page: string }, args: unknown): Promise<string> {
  return page.evaluate(
    async ({ url, id, body }) => {
      const response = await fetch(url, { method: "POST", headers: { "next-action": id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" }, body });
      return `${response.status} ${await response.text()}`;
    },
    { url: `${baseUrl}${ref.page}`, id: ref.id, body: JSON.stringify([args]) },
  );
}

describe("connections", () => {
  let redis: RedisServer;
  let app: RunningApp;
  let browser: Browser;
  let connectionId = "";

  beforeAll(async () => {
    redis = await startRedis({ password: REDIS_PASSWORD });
    const raw = redis.raw();
    await raw.set("greeting", "hello", "EX", 3600);
    await raw.hset("user:1", { name: "Ada", role: "admin" });
    for (let i = 0; i < 20; i++) await raw.set(`page:${i}`, `cached page ${i}`);
    app = await startApp();
    await app.db.user.createMany({
      data: [
        { email: admin.email, name: "Ada Admin", role: "admin", passwordHash: await hashPassword(admin.password) },
        { email: viewer.email, name: "Vic Viewer", role: "viewer", passwordHash: await hashPassword(viewer.password) },
      ],
    });
    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  it("adds a Redis connection from a pasted URL, tests it and saves it", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/connections/new`);
    await page.getByLabel("Connection URL or server list").fill(`redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}/0`);
    await page.getByRole("button", { name: "Fill in" }).click();
    await page.getByRole("status").filter({ hasText: "Filled in as Redis" }).waitFor();
    expect(await page.getByLabel("Host", { exact: true }).inputValue()).toBe("127.0.0.1");
    expect(await page.getByLabel("Port", { exact: true }).inputValue()).toBe(String(redis.port));
    expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe(REDIS_PASSWORD);
    await page.getByLabel("Name", { exact: true }).fill("Sessions");
    await page.getByLabel("Environment").selectOption("staging");

    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByTestId("test-result").filter({ hasText: /Connected in [\d.]+ ms · server 7\./ }).waitFor();
    await screenshot(page, "connections-new-tested");

    // A wrong password is reported with the driver's exact code.
    await page.getByLabel("Password", { exact: true }).fill("wrong password");
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByTestId("test-result").filter({ hasText: "AUTH_FAILED" }).waitFor();
    await page.getByLabel("Password", { exact: true }).fill(REDIS_PASSWORD);

    await page.getByRole("button", { name: "Add connection" }).click();
    await page.waitForURL(`${app.url}/connections`);
    const row = page.getByRole("row").filter({ hasText: "Sessions" });
    await row.waitFor();
    const profile = await app.db.connectionProfile.findUniqueOrThrow({ where: { name: "Sessions" } });
    connectionId = profile.id;
    expect(profile.environment).toBe("staging");
    expect(JSON.parse(profile.settings)).toMatchObject({ host: "127.0.0.1", port: redis.port, db: 0 });
    expect(profile.secret).not.toContain(REDIS_PASSWORD);
    await page.getByTestId(`status-${connectionId}`).first().and(page.locator('[data-state="up"]')).waitFor();
    await screenshot(page, "connections-list");
    const audit = await app.db.auditEntry.findFirstOrThrow({ where: { action: "connections.create" } });
    expect(audit.detail).not.toContain(REDIS_PASSWORD);
  });

  it("browses the new connection from the sidebar", async () => {
    const { page } = browser;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Sessions/ }).click();
    await page.waitForURL(`${app.url}/c/${connectionId}`);
    await page.locator('[role="row"][data-key="greeting"]').waitFor();
    await page.locator('[role="row"][data-key="user:1"]').waitFor();
    await screenshot(page, "connections-browse");
  });

  it("keeps the password write-only in the edit form", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/connections/${connectionId}/edit`);
    await page.getByRole("heading", { name: "Edit Sessions" }).waitFor();
    await expect(page.getByText("set", { exact: true }).isVisible()).resolves.toBe(true);
    expect(await page.content()).not.toContain(REDIS_PASSWORD);
    // Saving without touching the secret keeps it: the connection still answers.
    await page.getByLabel("Timeout (ms)").fill("4000");
    await screenshot(page, "connections-edit");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(`${app.url}/connections`);
    expect((await app.db.connectionProfile.findUniqueOrThrow({ where: { id: connectionId } })).timeoutMs).toBe(4000);
    await page.goto(`${app.url}/connections/${connectionId}/edit`);
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByTestId("test-result").filter({ hasText: "Connected in" }).waitFor();
  });

  it("keeps the scan pace the form sets, and shows it only for kinds whose walks are paced", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/connections/${connectionId}/edit`);
    const count = page.getByLabel("Keys per SCAN call");
    const pause = page.getByLabel("Pause between calls (ms)");
    // Empty fields are the defaults, which the placeholders show for the chosen environment.
    expect(await count.inputValue()).toBe("");
    expect(await count.getAttribute("placeholder")).toBe("5000 (default)");
    expect(await pause.getAttribute("placeholder")).toBe("0 (default)");
    await page.getByLabel("Environment").selectOption("production");
    expect(await pause.getAttribute("placeholder")).toBe("125 (default)");
    expect(await count.getAttribute("placeholder")).toBe("1000 (default)");
    await page.getByTestId("scan-pace").scrollIntoViewIfNeeded();
    await screenshot(page, "connections-scan-pace-defaults");
    await page.getByLabel("Environment").selectOption("staging");
    // memcached reads its dump at the server's speed: no pace to set.
    await page.getByLabel("Kind").selectOption("memcached");
    await expect(page.getByTestId("scan-pace").count()).resolves.toBe(0);
    await page.getByLabel("Kind").selectOption("redis");

    // The form says a value is out of range as it is typed, and the server refuses it anyway.
    await count.fill("5");
    await page.getByTestId("scan-pace").getByText("At least 10.").waitFor();
    await page.getByRole("button", { name: "Save changes" }).scrollIntoViewIfNeeded();
    await screenshot(page, "connections-scan-pace-refused");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("alert").filter({ hasText: "Keys per SCAN call: at least 10." }).waitFor();
    await count.fill("250");
    await pause.fill("20");
    const section = page.getByTestId("scan-pace");
    for (const width of [390, 1280, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, `connections-scan-pace-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(`${app.url}/connections`);
    const stored = await app.db.connectionProfile.findUniqueOrThrow({ where: { id: connectionId } });
    expect([stored.scanCount, stored.scanPauseMs]).toEqual([250, 20]);
    expect(JSON.parse((await app.db.auditEntry.findFirstOrThrow({ where: { action: "connections.update" }, orderBy: { id: "desc" } })).detail ?? "{}")).toMatchObject({
      changed: expect.arrayContaining(["scanCount", "scanPauseMs"]),
    });

    // Reopened, the form shows what was saved.
    await page.goto(`${app.url}/connections/${connectionId}/edit`);
    expect(await count.inputValue()).toBe("250");
    expect(await pause.inputValue()).toBe("20");
    const dark = await openBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, app.url, admin.email, admin.password);
      await dark.page.goto(`${app.url}/connections/${connectionId}/edit`);
      expect(await dark.page.getByLabel("Keys per SCAN call").inputValue()).toBe("250");
      for (const width of [390, 1280, 1920]) {
        await dark.page.setViewportSize({ width, height: 900 });
        await dark.page.getByTestId("scan-pace").scrollIntoViewIfNeeded();
        await screenshot(dark.page, `connections-scan-pace-${width}-dark`);
      }
    } finally {
      await dark.close();
    }
  });

  it("charts the server on the stats page while it is open", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${connectionId}/stats`);
    await page.getByRole("heading", { name: "Stats of Sessions" }).waitFor();
    await page.getByRole("heading", { name: "Memory used" }).waitFor();
    await page.getByText(/sampled every 5 s · ([2-9]|\d{2,}) samples/).waitFor({ timeout: 30_000 });
    await expect(page.getByRole("figure", { name: /^Memory used: \d+ samples from/ }).count()).resolves.toBe(1);
    await page.getByRole("cell", { name: "db0" }).waitFor();
    await screenshot(page, "connections-stats");
    const dark = await openBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, app.url, admin.email, admin.password);
      await dark.page.goto(`${app.url}/c/${connectionId}/stats`);
      await dark.page.getByText(/sampled every 5 s · ([2-9]|\d{2,}) samples/).waitFor({ timeout: 30_000 });
      await screenshot(dark.page, "connections-stats-dark");
      await dark.page.goto(`${app.url}/connections/new`);
      await dark.page.getByLabel("Connection URL or server list").fill("rediss://cache.internal:6380?ssl_cert_reqs=none");
      await dark.page.getByRole("button", { name: "Fill in" }).click();
      await dark.page.getByRole("alert").filter({ hasText: "Without verification" }).waitFor();
      await screenshot(dark.page, "connections-new-tls-dark");
    } finally {
      await dark.close();
    }
  });

  it("shows a viewer the connection without write controls, and refuses forged writes", async () => {
    const other = await openBrowser();
    try {
      const { page } = other;
      await signInAs(page, app.url, viewer.email, viewer.password);
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Sessions/ }).waitFor();
      await page.goto(`${app.url}/connections`);
      await page.getByRole("row").filter({ hasText: "Sessions" }).waitFor();
      await expect(page.getByRole("link", { name: "Edit" }).count()).resolves.toBe(0);
      await expect(page.getByRole("button", { name: "Delete", exact: true }).count()).resolves.toBe(0);
      await expect(page.getByRole("link", { name: "Add a connection" }).count()).resolves.toBe(0);
      expect((await page.goto(`${app.url}/connections/new`))?.status()).toBe(403);

      const writeValue = actionRef("lib/actions/keys/write-value.ts", "writeValue", connectionId);
      const forgedWrite = await forgeAction(page, app.url, writeValue, {
        connectionId,
        key: Buffer.from("greeting").toString("base64"),
        value: Buffer.from("pwned").toString("base64"),
        expect: "x",
      });
      expect(forgedWrite).toContain("FORBIDDEN");
      expect(await redis.raw().get("greeting")).toBe("hello");

      const updateConnection = actionRef("lib/actions/connections/update-connection.ts", "updateConnection");
      const forgedEdit = await forgeAction(page, app.url, updateConnection, {
        id: connectionId,
        profile: { name: "Sessions", kind: "redis", settings: { host: "127.0.0.1", port: 1 } },
      });
      expect(forgedEdit).toContain("FORBIDDEN");
      expect(JSON.parse((await app.db.connectionProfile.findUniqueOrThrow({ where: { id: connectionId } })).settings).port).toBe(redis.port);
      const denied = await app.db.auditEntry.findMany({ where: { outcome: "denied", actorEmail: viewer.email } });
      expect(denied.map((e) => e.action).sort()).toEqual(["connections.update", "keys.write-value"]);

      await page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from("greeting"))}`);
      await page.getByTestId("key-detail").waitFor();
      await page.getByTestId("key-type").waitFor();
      await screenshot(page, "connections-viewer-key");
      await expect(page.getByRole("button", { name: "Edit", exact: true }).count()).resolves.toBe(0);
      await expect(page.getByRole("button", { name: "Delete", exact: true }).count()).resolves.toBe(0);
    } finally {
      await other.close();
    }
  });

  it("keeps the last admin: it cannot be demoted or disabled", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/users`);
    await page.getByLabel(`Role of ${admin.email}`).selectOption("editor");
    await page.getByRole("dialog", { name: `Make ${admin.email} an editor?` }).getByRole("button", { name: "Change role" }).click();
    await page.getByRole("alert").filter({ hasText: "last active admin" }).waitFor();
    await screenshot(page, "connections-users-last-admin");
    expect((await app.db.user.findUniqueOrThrow({ where: { email: admin.email } })).role).toBe("admin");
    await page.reload();
    await page.getByRole("row").filter({ hasText: admin.email }).getByRole("button", { name: "Disable" }).click();
    await page.getByRole("alert").filter({ hasText: "last active admin" }).waitFor();
    expect((await app.db.user.findUniqueOrThrow({ where: { email: admin.email } })).disabled).toBe(false);
  });

  it("deletes the connection after typing its name", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/connections`);
    await page.getByRole("row").filter({ hasText: "Sessions" }).getByRole("button", { name: "Delete" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete Sessions?" });
    await dialog.getByLabel("Confirmation text").fill("Sessions");
    await dialog.getByRole("button", { name: "Delete connection" }).click();
    await page.getByText("No connections yet.").waitFor();
    expect(await app.db.connectionProfile.count()).toBe(0);
    expect(await redis.raw().get("greeting")).toBe("hello");
  });
});
