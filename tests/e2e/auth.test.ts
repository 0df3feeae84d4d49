import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const viewer = { email: "viewer@example.test", password: "viewer password 1" };

describe("first run, sign-in and roles", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp();
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("leads a fresh install to admin creation and into the app shell", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/`);
    await page.waitForURL(/\/setup$/);
    await expect(page.getByRole("heading", { name: "Create the admin account" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "auth-setup");

    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Name").fill("Ada Admin");
    await page.getByLabel("Password", { exact: true }).fill(admin.password);
    await page.getByLabel("Repeat password").fill(admin.password);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.waitForURL(`${app.url}/`);
    await expect(page.getByTestId("signed-in-user").textContent()).resolves.toBe("Ada Admin");
    await expect(page.getByRole("heading", { name: "Connections" }).isVisible()).resolves.toBe(true);
    await screenshot(page, "auth-shell-admin");

    const stored = await app.db.user.findUniqueOrThrow({ where: { email: admin.email } });
    expect(stored.role).toBe("admin");
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(admin.password);

    // The setup page is gone once an account exists.
    const again = await page.goto(`${app.url}/setup`);
    expect(new URL(again!.url()).pathname).not.toBe("/setup");
  });

  it("sets a session cookie that scripts cannot read", async () => {
    const cookies = await browser.context.cookies(app.url);
    const session = cookies.find((c) => c.name === "cb_session");
    expect(session).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe("Lax");
  });

  it("signs out, refuses a wrong password, and signs back in", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);
    expect((await browser.context.cookies(app.url)).find((c) => c.name === "cb_session")).toBeUndefined();
    // Signed out means signed out: the shell is not reachable.
    await page.goto(`${app.url}/`);
    await page.waitForURL(/\/login$/);

    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password", { exact: true }).fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password" }).waitFor();
    await screenshot(page, "auth-wrong-password");
    expect(new URL(page.url()).pathname).toBe("/login");

    await signInAs(page, app.url, admin.email, admin.password);
    await expect(page.getByTestId("signed-in-user").textContent()).resolves.toBe("Ada Admin");
    const failures = await app.db.auditEntry.count({ where: { action: "auth.sign-in", outcome: "denied" } });
    expect(failures).toBe(1);
  });

  it("lets the admin add a viewer, who cannot reach admin pages", async () => {
    const { page } = browser;
    await page.getByRole("link", { name: "Users" }).click();
    await page.waitForURL(/\/users$/);
    await page.getByLabel("Email").fill(viewer.email);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByLabel("Initial password").fill(viewer.password);
    await page.getByRole("button", { name: "Add user" }).click();
    await page.getByRole("cell", { name: viewer.email }).waitFor();
    await screenshot(page, "auth-users");

    const other = await openBrowser({ colorScheme: "dark" });
    try {
      await signInAs(other.page, app.url, viewer.email, viewer.password);
      await expect(other.page.getByText("viewer", { exact: true }).isVisible()).resolves.toBe(true);
      await expect(other.page.getByRole("link", { name: "Users" }).count()).resolves.toBe(0);
      await screenshot(other.page, "auth-shell-viewer-dark");
      const response = await other.page.goto(`${app.url}/users`);
      expect(response?.status()).toBe(403);
      await screenshot(other.page, "auth-viewer-forbidden");
    } finally {
      await other.close();
    }
  });

  it("locks an account out after repeated failures", async () => {
    const fresh = await openBrowser();
    try {
      for (let i = 0; i < 5; i += 1) {
        await fresh.page.goto(`${app.url}/login`);
        await fresh.page.getByLabel("Email").fill(viewer.email);
        await fresh.page.getByLabel("Password", { exact: true }).fill(`wrong ${i}`);
        await fresh.page.getByRole("button", { name: "Sign in" }).click();
        await fresh.page.getByRole("alert").filter({ hasText: /Wrong email or password|Too many/ }).waitFor();
      }
      await fresh.page.goto(`${app.url}/login`);
      await fresh.page.getByLabel("Email").fill(viewer.email);
      await fresh.page.getByLabel("Password", { exact: true }).fill(viewer.password);
      await fresh.page.getByRole("button", { name: "Sign in" }).click();
      await fresh.page.getByRole("alert").filter({ hasText: "Too many failed sign-ins" }).waitFor();
      await screenshot(fresh.page, "auth-locked-out");
    } finally {
      await fresh.close();
    }
  });
});

describe("first admin from the environment", () => {
  let app: RunningApp;
  let browser: Browser;
  const configured = { email: "ops@example.test", password: "from the environment 1" };

  beforeAll(async () => {
    app = await startApp({ CACHEBOARD_ADMIN_EMAIL: configured.email, CACHEBOARD_ADMIN_PASSWORD: configured.password });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("skips the setup page and signs in with the configured account", async () => {
    const { page } = browser;
    const setup = await page.goto(`${app.url}/setup`);
    expect(new URL(setup!.url()).pathname).toBe("/login");
    await signInAs(page, app.url, configured.email, configured.password);
    await expect(page.getByTestId("signed-in-user").textContent()).resolves.toBe(configured.email);
    const stored = await app.db.user.findUniqueOrThrow({ where: { email: configured.email } });
    expect(stored.role).toBe("admin");
  });
});
