/**
 * The first hour of a new user, against a real Redis and a real uWSGI: forms that keep what was typed and
 * drop an error once its field changes, links that read as the key they open and survive sign-in, a pane
 * that empties the moment its key is deleted, refresh and auto-refresh, errors in plain sentences shown
 * where the person is looking, counts with agreeing nouns, a role change that asks first, a pasted URL
 * whose password leaves the paste box, and a uWSGI without its cache plugin that says so on every page.
 */
import type { Page, Route } from "playwright-core";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startUwsgi, type UwsgiServer } from "../support/uwsgi";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", name: "Ada Admin", password: "correct horse battery" };
/** The driver's message as the page shows it: the commands in backticks become code. */
const PLUGIN_MESSAGE = "uWSGI answered, but its cache plugin is not loaded: start it with --plugin cache (or --plugins python3,cache).";

const row = (page: Page, text: string) => page.locator(`[role=row][data-key="${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"]`);

/** The `key` parameter as it stands in the address bar (before any decoding). */
function rawKeyParam(url: string): string | null {
  const match = /[?&]key=([^&#]*)/.exec(new URL(url).search);
  return match ? match[1]! : null;
}

/**
 * Holds the page's navigations and reads (RSC requests and the JSON routes) until released, so a test can
 * look at what the page shows before the server has answered anything.
 */
async function holdServer(page: Page): Promise<{ release: () => Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = (route: Route) => {
    const request = route.request();
    const headers = request.headers();
    const isAction = "next-action" in headers;
    const isRead = !isAction && (headers.rsc === "1" || new URL(request.url()).pathname.startsWith("/api/"));
    if (!isRead) return route.continue();
    return released.then(() => route.continue()).catch(() => undefined);
  };
  await page.route("**/*", held);
  return {
    async release() {
      release();
      await page.unroute("**/*", held);
    },
  };
}

describe("forms, links and errors", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let raw: Redis;
  let bare: UwsgiServer;
  let browser: Browser;
  let redisId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [app, redis, bare] = await Promise.all([startApp(), startRedis(), startUwsgi([{ name: "pages", items: 50, keysize: 256, blocksize: 4096 }], { cachePlugin: false })]);
    raw = redis.raw();
    await raw.mset({ "user:1": "Ada", "user:2": "Linus", dXNlcjox: "looks like base64", "ns1:only": "alone", "api:taken": "taken", "api:mine": "mine" });
    await raw.set(Buffer.from([0xff, 0x00, 0x61]), "binary");
    redisId = (await app.db.connectionProfile.create({ data: { name: "local redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } })).id;
    browser = await openBrowser();
    browser.page.on("pageerror", (error) => pageErrors.push(error.message));
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([redis?.stop(), bare?.stop()]);
    await app?.stop();
  });

  it("keeps the setup form's fields when the password is too short, and drops the error once it is changed", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/setup`);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Name").fill(admin.name);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByLabel("Repeat password").fill("short");
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    const error = page.getByText(/at least 10 characters/i).and(page.locator(".text-red-600"));
    await error.waitFor();
    await screenshot(page, "forms-setup-error-1280");
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, "forms-setup-error-390");
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(page.getByLabel("Email").inputValue()).resolves.toBe(admin.email);
    await expect(page.getByLabel("Name").inputValue()).resolves.toBe(admin.name);
    await expect(page.getByLabel("Password", { exact: true }).inputValue()).resolves.toBe("short");
    await expect(page.getByLabel("Repeat password").inputValue()).resolves.toBe("short");
    expect(await app.db.user.count()).toBe(0);

    await page.getByLabel("Password", { exact: true }).fill(admin.password);
    await error.waitFor({ state: "detached" });
    await page.getByLabel("Repeat password").fill(admin.password);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.waitForURL(`${app.url}/`);
    expect((await app.db.user.findUniqueOrThrow({ where: { email: admin.email } })).name).toBe(admin.name);
  });

  it("brings a signed-out link with a readable key back after a wrong password, which kept the email", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);
    const deepLink = `/c/${redisId}?q=user:*&key=text:user:2`;
    await page.goto(`${app.url}${deepLink}`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    const wrong = page.getByRole("alert").filter({ hasText: "Wrong email or password" });
    await wrong.waitFor();
    await screenshot(page, "forms-sign-in-wrong-1280");
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, "forms-sign-in-wrong-390");
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(page.getByLabel("Email").inputValue()).resolves.toBe(admin.email);
    await page.getByLabel("Password", { exact: true }).fill(admin.password);
    await wrong.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname.startsWith("/c/"));
    const landed = new URL(page.url());
    expect(landed.pathname).toBe(`/c/${redisId}`);
    expect(landed.searchParams.get("q")).toBe("user:*");
    expect(landed.searchParams.get("key")).toBe("text:user:2");
    await page.getByTestId("key-name").filter({ hasText: /^user:2$/ }).waitFor();
    await page.getByTestId("key-detail").getByText("Linus").first().waitFor();
  });

  it("puts printable keys in the URL as text, binary ones as base64, and still opens old base64 links", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${redisId}?q=*`);
    await row(page, "user:1").click();
    await page.getByTestId("key-name").filter({ hasText: /^user:1$/ }).waitFor();
    expect(rawKeyParam(page.url())).toBe("text:user:1");

    // A text key that looks like base64 is not misread: it stays text in the URL and opens itself.
    await row(page, "dXNlcjox").click();
    await page.getByTestId("key-name").filter({ hasText: /^dXNlcjox$/ }).waitFor();
    expect(rawKeyParam(page.url())).toBe("text:dXNlcjox");
    await page.reload();
    await page.getByTestId("key-detail").getByText("looks like base64").first().waitFor();

    await row(page, "\\xff\\x00a").click();
    await page.getByTestId("key-name").filter({ hasText: "\\xff\\x00a" }).waitFor();
    expect(rawKeyParam(page.url())).toBe(keyToParam(Buffer.from([0xff, 0x00, 0x61])));

    await page.goto(`${app.url}/c/${redisId}?key=${keyToParam(Buffer.from("user:1"))}`);
    await page.getByTestId("key-name").filter({ hasText: /^user:1$/ }).waitFor();
  });

  it("clears a deleted key's pane and row at once, before the server answers anything", async () => {
    const { page } = browser;
    await raw.set("gone:1", "soon deleted");
    await page.goto(`${app.url}/c/${redisId}?q=gone:*&key=text:gone:1`);
    await row(page, "gone:1").waitFor();
    await page.getByTestId("key-detail").getByText("soon deleted").first().waitFor();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const held = await holdServer(page);
    try {
      await page.getByRole("dialog").getByRole("button", { name: "Delete key" }).click();
      await page.getByTestId("key-detail").waitFor({ state: "detached" });
      await row(page, "gone:1").waitFor({ state: "detached" });
    } finally {
      await held.release();
    }
    expect(await raw.exists("gone:1")).toBe(0);
    await page.waitForURL((url) => !url.searchParams.has("key"));
  });

  it("clears the pane at once after \"expire now\"", async () => {
    const { page } = browser;
    await raw.set("gone:2", "soon expired", "EX", 3600);
    await page.goto(`${app.url}/c/${redisId}?q=gone:*&key=text:gone:2`);
    await row(page, "gone:2").waitFor();
    await page.getByRole("button", { name: "Change TTL" }).click();
    await page.getByTestId("ttl").getByRole("button", { name: "Expire now" }).click();
    const held = await holdServer(page);
    try {
      await page.getByRole("dialog").getByRole("button", { name: "Expire now" }).click();
      await page.getByTestId("key-detail").waitFor({ state: "detached" });
      await row(page, "gone:2").waitFor({ state: "detached" });
    } finally {
      await held.release();
    }
    expect(await raw.exists("gone:2")).toBe(0);
  });

  it("refreshes the key list on request and an open value every few seconds when asked", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${redisId}?q=fresh:*`);
    await page.getByText("No keys match this filter").waitFor();
    await raw.set("fresh:1", "first");
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    await row(page, "fresh:1").click();
    await page.getByTestId("key-detail").getByText("first").first().waitFor();
    await page.getByLabel("Auto-refresh the value").selectOption("2");
    await raw.set("fresh:1", "second", "KEEPTTL");
    await page.getByTestId("key-detail").getByText("second").first().waitFor();
    await screenshot(page, "forms-auto-refresh");
  });

  it("explains a refused value in the add-key dialog, keeps the input, and clears the error on edit", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${redisId}`);
    await page.getByRole("button", { name: "Add key" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a key" });
    await dialog.getByLabel("Key").fill("json:bad");
    await dialog.getByLabel("Format").selectOption("json");
    await dialog.getByLabel("Value").fill('{"a": 1,, }');
    await dialog.getByRole("button", { name: "Create key" }).click();
    const alert = dialog.getByRole("alert");
    await alert.getByText(/^This is not valid JSON \(.+\)\. Correct it and try again\.$/).waitFor();
    await alert.getByText("Details").click();
    await alert.getByText("INVALID_ARGUMENT").waitFor();
    await screenshot(page, "forms-add-key-json-error-1280");
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, "forms-add-key-json-error-390");
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect(dialog.getByLabel("Value").inputValue()).resolves.toBe('{"a": 1,, }');
    expect(await raw.exists("json:bad")).toBe(0);
    await dialog.getByLabel("Value").fill('{"a": 1}');
    await alert.waitFor({ state: "detached" });

    // A taken name is said in the dialog too, not in a toast behind it.
    await dialog.getByLabel("Key").fill("api:taken");
    await dialog.getByLabel("Format").selectOption("text");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await dialog.getByRole("alert").getByText("A key with this name exists already; it was left as it is.").waitFor();
    expect(await raw.get("api:taken")).toBe("taken");
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });

  it("explains a value the editor cannot save, keeps the text, and clears the error on edit", async () => {
    const { page } = browser;
    await raw.set("json:config", '{"a": 1, "b": [1, 2]}');
    await page.goto(`${app.url}/c/${redisId}?key=text:json:config`);
    await page.getByTestId("json-view").waitFor();
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const editor = page.getByLabel("Value editor");
    await editor.fill('{"a": 1,, "b": [1, 2]}');
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const alert = page.getByTestId("key-detail").getByRole("alert");
    await alert.getByText(/^This is not valid JSON \(.+ at byte \d+\)\. Correct it and try again\.$/).waitFor();
    await expect(alert.textContent()).resolves.not.toContain("(INVALID_ARGUMENT)");
    await screenshot(page, "forms-value-editor-json-error");
    await expect(editor.inputValue()).resolves.toBe('{"a": 1,, "b": [1, 2]}');
    expect(await raw.get("json:config")).toBe('{"a": 1, "b": [1, 2]}');
    await editor.fill('{"a": 3, "b": [1, 2]}');
    await alert.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    expect(await raw.get("json:config")).toBe('{"a": 3, "b": [1, 2]}');
  });

  it("shows a rename conflict inside the rename dialog", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${redisId}?key=text:api:mine`);
    await page.getByRole("button", { name: "Rename", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Rename key" });
    await dialog.getByLabel("New key name").fill("api:taken");
    await dialog.getByRole("button", { name: "Rename" }).click();
    const alert = dialog.getByRole("alert");
    await alert.getByText("A key with that name exists already; nothing was renamed. Choose another name.").waitFor();
    await screenshot(page, "forms-rename-conflict");
    expect(await raw.get("api:mine")).toBe("mine");
    expect(await raw.get("api:taken")).toBe("taken");
    await dialog.getByLabel("New key name").fill("api:taken2");
    await alert.waitFor({ state: "detached" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
  });

  it("says a connection failure in a sentence, with the code in a detail", async () => {
    const { page } = browser;
    const refused = (await app.db.connectionProfile.create({ data: { name: "nowhere", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: 1 }) } })).id;
    await page.goto(`${app.url}/c/${refused}`);
    const list = page.getByRole("region", { name: "Key list" });
    await list.getByText("Could not reach the server: nothing answered at that address. Check that it is running and that the host and port are right.").waitFor();
    // The code and the driver's raw text are in a closed detail, one click away.
    const detail = list.getByText(/^CONNECTION_REFUSED .*ECONNREFUSED/);
    await expect(detail.isVisible()).resolves.toBe(false);
    await screenshot(page, "forms-error-refused");
    await list.getByText("Details").click();
    await detail.waitFor();
    await screenshot(page, "forms-error-refused-details");
  });

  it("agrees counts with their nouns", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${redisId}?q=ns1:*`);
    await page.getByTestId("key-count").filter({ hasText: /^1 key loaded/ }).waitFor();
    await row(page, "ns1:only").click({ modifiers: ["Control"] });
    await page.getByRole("button", { name: "Delete 1 key", exact: true }).waitFor();

    const tree = page.getByTestId("namespace-tree");
    await tree.getByText("1 key", { exact: true }).first().waitFor();
    await tree.getByRole("treeitem", { name: "ns1", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for ns1", exact: true }).click();
    await page.getByRole("menuitem", { name: "Delete all…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("namespace-preview").filter({ hasText: /^1 key will be deleted/ }).waitFor();
    await dialog.getByRole("button", { name: "Delete 1 key", exact: true }).waitFor();
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "forms-namespace-one-key-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await raw.exists("ns1:only")).toBe(1);
  });

  it("asks before changing a user's role", async () => {
    const { page } = browser;
    await app.db.user.create({ data: { email: "viewer@example.test", role: "viewer", passwordHash: await hashPassword("viewer password 1") } });
    await page.goto(`${app.url}/users`);
    await page.getByLabel("Role of viewer@example.test").selectOption("editor");
    const dialog = page.getByRole("dialog", { name: "Make viewer@example.test an editor?" });
    await dialog.waitFor();
    await screenshot(page, "forms-role-confirm");
    expect((await app.db.user.findUniqueOrThrow({ where: { email: "viewer@example.test" } })).role).toBe("viewer");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByLabel("Role of viewer@example.test").inputValue()).resolves.toBe("viewer");
    await page.getByLabel("Role of viewer@example.test").selectOption("editor");
    await dialog.getByRole("button", { name: "Change role" }).click();
    await page.getByRole("status").filter({ hasText: "viewer@example.test is now editor." }).waitFor();
    expect((await app.db.user.findUniqueOrThrow({ where: { email: "viewer@example.test" } })).role).toBe("editor");
  });

  it("keeps the new-user form's input when refused, and clears the error once the field changes", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/users`);
    await page.getByLabel("Email").fill("new@example.test");
    await page.getByLabel("Name").fill("New Person");
    await page.getByLabel("Initial password").fill("short");
    await page.getByRole("button", { name: "Add user" }).click();
    const error = page.getByText(/at least 10 characters/i).and(page.locator(".text-red-600"));
    await error.waitFor();
    await screenshot(page, "forms-create-user-error");
    await expect(page.getByLabel("Email").inputValue()).resolves.toBe("new@example.test");
    await expect(page.getByLabel("Name").inputValue()).resolves.toBe("New Person");
    await page.getByLabel("Initial password").fill("long enough password");
    await error.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Add user" }).click();
    await page.getByRole("cell", { name: "new@example.test" }).waitFor();
    await expect(page.getByLabel("Email").inputValue()).resolves.toBe("");
  });

  it("keeps the audit retention the admin typed when it is refused", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/audit`);
    await page.getByLabel("Keep entries for (days)").fill("30");
    await page.getByLabel("Keep at most (entries)").fill("5");
    await page.getByRole("button", { name: "Save retention" }).click();
    const error = page.getByText("Keep at least 100 entries.");
    await error.waitFor();
    await screenshot(page, "forms-audit-settings-error");
    await expect(page.getByLabel("Keep entries for (days)").inputValue()).resolves.toBe("30");
    await expect(page.getByLabel("Keep at most (entries)").inputValue()).resolves.toBe("5");
    await page.getByLabel("Keep at most (entries)").fill("500");
    await error.waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Save retention" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await expect(page.getByLabel("Keep at most (entries)").inputValue()).resolves.toBe("500");
  });

  it("keeps the new password typed when the current one is wrong", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/account`);
    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill("a new password 1");
    await page.getByLabel("Repeat the new password").fill("a new password 1");
    await page.getByRole("button", { name: "Change password" }).click();
    const refused = page.getByRole("alert").filter({ hasText: /current password/i });
    await refused.waitFor();
    await screenshot(page, "forms-change-password-error");
    await expect(page.getByLabel("New password", { exact: true }).inputValue()).resolves.toBe("a new password 1");
    await expect(page.getByLabel("Repeat the new password").inputValue()).resolves.toBe("a new password 1");
    await page.getByLabel("Current password").fill(admin.password.slice(0, 5));
    await refused.waitFor({ state: "detached" });
    const stored = await app.db.user.findUniqueOrThrow({ where: { email: admin.email } });
    await expect(verifyPassword(admin.password, stored.passwordHash)).resolves.toBe(true);
  });

  it("scrubs the password from the paste box once it moved to its write-only field", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/connections/new`);
    const paste = page.getByLabel("Connection URL or server list");
    await paste.fill(`redis://ops:s3cret-pass@127.0.0.1:${redis.port}/0`);
    await page.getByRole("button", { name: "Fill in" }).click();
    await page.getByRole("status").filter({ hasText: "the password moved to its write-only field" }).waitFor();
    await expect(paste.inputValue()).resolves.toBe(`redis://ops@127.0.0.1:${redis.port}/0`);
    await expect(page.getByLabel("Password", { exact: true }).inputValue()).resolves.toBe("s3cret-pass");
    const html = await page.content();
    expect(html.split("s3cret-pass").length - 1).toBeLessThanOrEqual(1);
    await screenshot(page, "forms-paste-scrubbed");

    // A refused save keeps the form as typed; fixing the field takes its error away.
    await page.getByLabel("Name", { exact: true }).fill("pasted");
    await page.getByLabel("Port", { exact: true }).fill("99999");
    await page.getByRole("button", { name: "Add connection" }).click();
    const refused = page.getByRole("alert").filter({ hasText: "Some fields are not valid." });
    await refused.waitFor();
    const settingsError = page.getByRole("group", { name: "Connection" }).getByRole("alert").filter({ hasText: "Port: use at most 65535." });
    await settingsError.waitFor();
    await screenshot(page, "forms-connection-error");
    await expect(page.getByLabel("Port", { exact: true }).inputValue()).resolves.toBe("99999");
    await expect(page.getByLabel("Name", { exact: true }).inputValue()).resolves.toBe("pasted");
    await page.getByLabel("Port", { exact: true }).fill(String(redis.port));
    await refused.waitFor({ state: "detached" });
    await settingsError.waitFor({ state: "detached" });
    expect(await app.db.connectionProfile.count({ where: { name: "pasted" } })).toBe(0);
  });

  it("says a uWSGI lacks its cache plugin in the connection test, the tree, the list and the add-key dialog", async () => {
    const { page } = browser;
    const id = (
      await app.db.connectionProfile.create({
        data: { name: "bare uwsgi", kind: "uwsgi", settings: JSON.stringify({ address: bare.address, statsAddress: bare.statsAddress }) },
      })
    ).id;
    await page.goto(`${app.url}/connections/${id}/edit`);
    await page.getByTestId("uwsgi-plugin-note").filter({ hasText: "--plugins python3,cache" }).waitFor();
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByTestId("test-result").getByText(PLUGIN_MESSAGE, { exact: true }).waitFor();
    await expect(page.getByTestId("test-result").textContent()).resolves.not.toContain("Connected");
    await screenshot(page, "forms-uwsgi-plugin-test");

    await page.goto(`${app.url}/c/${id}`);
    await page.getByTestId("namespace-tree").getByText(PLUGIN_MESSAGE, { exact: true }).first().waitFor();
    await page.getByRole("region", { name: "Key list" }).getByText(PLUGIN_MESSAGE, { exact: true }).first().waitFor();
    await screenshot(page, "forms-uwsgi-plugin-browser");

    await page.getByRole("button", { name: "Add key" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a key" });
    await dialog.getByLabel("Key").fill("pages:new");
    await dialog.getByLabel("Value").fill("hello");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await dialog.getByRole("alert").getByText(PLUGIN_MESSAGE, { exact: true }).waitFor();
    expect((await bare.app({ op: "get", cache: "pages", key: Buffer.from("new") })).value ?? null).toBeNull();
  });
});
