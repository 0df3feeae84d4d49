/**
 * Sign-in as it reaches the built app: where it sends the browser afterwards, which address it records,
 * how long the cookie lives, who may create the first admin, and where `npm start` listens.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { freePort, portAccepts, removeDir, startProcess, tempDir, waitFor } from "../support/process";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const root = path.resolve(import.meta.dirname, "../..");
const admin = { email: "admin@example.test", password: "correct horse battery" };

async function signInFromLoginPage(browser: Browser, password = admin.password): Promise<void> {
  await browser.page.getByLabel("Email").fill(admin.email);
  await browser.page.getByLabel("Password", { exact: true }).fill(password);
  await browser.page.getByRole("button", { name: "Sign in" }).click();
}

describe("signing in", () => {
  let app: RunningApp;
  let connectionId = "";

  beforeAll(async () => {
    app = await startApp();
    await app.db.user.create({ data: { email: admin.email, passwordHash: await hashPassword(admin.password), role: "admin" } });
    connectionId = (await app.db.connectionProfile.create({ data: { name: "nowhere", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: 1 }) } })).id;
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("brings a signed-out deep link back to the same page and query after sign-in", async () => {
    const browser = await openBrowser();
    try {
      const deepLink = `/c/${connectionId}?q=user%3A*&key=dXNlcjox`;
      await browser.page.goto(`${app.url}${deepLink}`);
      await browser.page.waitForURL(/\/login\?next=/);
      expect(new URL(browser.page.url()).searchParams.get("next")).toBe(deepLink);
      await signInFromLoginPage(browser);
      await browser.page.waitForURL((url) => url.pathname.startsWith("/c/"));
      const landed = new URL(browser.page.url());
      expect(landed.pathname + landed.search).toBe(deepLink);
    } finally {
      await browser.close();
    }
  });

  it("never leaves the site, whatever `next` says", async () => {
    const browser = await openBrowser();
    try {
      // %09 is a tab: browsers drop it, so "/\t/evil.example" would be "//evil.example", another host.
      await browser.page.goto(`${app.url}/login?next=%2F%09%2Fevil.example%2Fpath`);
      await signInFromLoginPage(browser);
      await browser.page.waitForURL(`${app.url}/`);
      await screenshot(browser.page, "sign-in-next-tab");

      // Signed in already: the login page forwards, still only on this site; a newline is no server error.
      const newline = await browser.page.goto(`${app.url}/login?next=%2F%0A%2Fevil.example`);
      expect(newline?.status()).toBe(200);
      expect(browser.page.url()).toBe(`${app.url}/`);
    } finally {
      await browser.close();
    }
  });

  it("records the socket's address, not an X-Forwarded-For the client made up", async () => {
    const browser = await openBrowser();
    try {
      await browser.context.setExtraHTTPHeaders({ "x-forwarded-for": "203.0.113.99" });
      await browser.page.goto(`${app.url}/login`);
      await signInFromLoginPage(browser, "not the password");
      await browser.page.getByRole("alert").filter({ hasText: "Wrong email or password" }).waitFor();
      const entry = await app.db.auditEntry.findFirstOrThrow({ where: { action: "auth.sign-in", outcome: "denied" }, orderBy: { id: "desc" } });
      expect(entry.clientAddress).toBe("127.0.0.1");
      const counters = (await app.db.loginThrottle.findMany()).map((row) => row.key);
      expect(counters).toContain(`account:${admin.email}|address:127.0.0.1`);
      expect(counters.join(" ")).not.toContain("203.0.113.99");
    } finally {
      await browser.close();
    }
  });

  it("slides the cookie's expiry along with the session", async () => {
    const browser = await openBrowser();
    try {
      await signInAs(browser.page, app.url, admin.email, admin.password);
      const issued = (await browser.context.cookies(app.url)).find((c) => c.name === "cb_session")!;
      // A cookie set six days ago has one day left; a visit must give it the full week again.
      const oneDayLeft = Math.floor(Date.now() / 1000) + 86_400;
      await browser.context.addCookies([{ ...issued, expires: oneDayLeft }]);
      await browser.page.goto(`${app.url}/`);
      await browser.page.getByTestId("signed-in-user").waitFor();
      const slid = (await browser.context.cookies(app.url)).find((c) => c.name === "cb_session")!;
      expect(slid.value).toBe(issued.value);
      expect(slid.expires - oneDayLeft).toBeGreaterThan(5 * 86_400);
      expect(slid.httpOnly).toBe(true);
      expect(slid.sameSite).toBe("Lax");
    } finally {
      await browser.close();
    }
  });
});

describe("the first admin from another machine", () => {
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    // A reverse proxy on this machine forwards visitors: the visitor's address is what counts.
    app = await startApp({ CACHEBOARD_TRUSTED_PROXIES: "127.0.0.1" });
    browser = await openBrowser();
    await browser.context.setExtraHTTPHeaders({ "x-forwarded-for": "198.51.100.7" });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("needs the setup token printed on the console and kept 0600 beside the database", async () => {
    const tokenFile = path.join(path.dirname(app.databaseUrl.replace(/^file:/, "")), "setup-token");
    const { page } = browser;
    await page.goto(`${app.url}/`);
    await page.waitForURL(/\/setup$/);
    await page.getByLabel("Setup token").waitFor();
    const token = readFileSync(tokenFile, "utf8").trim();
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(app.process.output()).toContain(token);

    await page.getByLabel("Setup token").fill("a guess");
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password", { exact: true }).fill(admin.password);
    await page.getByLabel("Repeat password").fill(admin.password);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not the setup token" }).waitFor();
    await screenshot(page, "setup-token-wrong");
    expect(await app.db.user.count()).toBe(0);

    // The form starts empty again after an answer, as every form action does.
    await page.getByLabel("Setup token").fill(token);
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password", { exact: true }).fill(admin.password);
    await page.getByLabel("Repeat password").fill(admin.password);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.waitForURL(`${app.url}/`);
    expect(await app.db.user.findUniqueOrThrow({ where: { email: admin.email } })).toMatchObject({ role: "admin" });
    expect(() => statSync(tokenFile)).toThrow();
  });
});

describe("npm start", () => {
  it("listens on 127.0.0.1 only unless HOST says otherwise, and prints the setup token", async () => {
    const dir = tempDir("start");
    const port = await freePort();
    const started = startProcess(process.execPath, [path.join(root, "scripts/start.mjs")], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "",
        DATABASE_URL: `file:${path.join(dir, "cacheboard.db")}`,
        CACHEBOARD_SECRET_KEY: "44".repeat(32),
        CACHEBOARD_ADMIN_EMAIL: "",
        CACHEBOARD_ADMIN_PASSWORD: "",
        CACHEBOARD_CONNECTIONS_FILE: "",
        CACHEBOARD_CONNECTIONS: "",
      },
    });
    try {
      await waitFor("npm start", () => portAccepts(port), { timeoutMs: 120_000, intervalMs: 200, process: started });
      // 127.0.0.2 is this machine too, but not the address the server was told to listen on.
      expect(await portAccepts(port, "127.0.0.2")).toBe(false);
      await waitFor("the setup token on the console", async () => /Setup token/.test(started.output()), { timeoutMs: 30_000, process: started });
      const token = readFileSync(path.join(dir, "setup-token"), "utf8").trim();
      expect(started.output()).toContain(token);
    } finally {
      await started.stop();
      removeDir(dir);
    }
  });
});
