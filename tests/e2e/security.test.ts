/**
 * The hardening of issue-style findings, through the built app in Chromium: security headers with a
 * per-request CSP nonce while sign-in (a server action) and the key browser keep working; key names with
 * bidi overrides and invisible characters shown escaped; a cross-origin POST to a route handler refused;
 * a profile whose secret cannot be opened shown as such instead of failing pages; and a server that
 * refuses to start when its key file is gone but sealed secrets remain.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { applyMigrations } from "@/lib/db-migrate";
import { createDb } from "@/lib/db-factory";
import { freePort, removeDir, startProcess, tempDir, waitFor } from "../support/process";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const root = path.resolve(import.meta.dirname, "../..");
const admin = { email: "admin@example.test", password: "correct horse battery" };
const RTL_KEY = "xss:rtl:\u202Egnp.exe";
const ZWSP_KEY = "ad\u200Bmin:profile";

/** Sealed like lib/secrets.ts seals, but with a key the app does not have (a replaced secret.key). */
function sealedWithAnotherKey(secrets: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", randomBytes(32), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

describe("security hardening", () => {
  let redis: RedisServer;
  let app: RunningApp;
  let browser: Browser;
  let id = "";
  let unreadable = "";
  const cspViolations: string[] = [];

  beforeAll(async () => {
    [redis, app] = await Promise.all([startRedis(), startApp({ CACHEBOARD_HSTS: "1" })]);
    const raw = redis.raw();
    await raw.set(RTL_KEY, "not a picture");
    await raw.set(ZWSP_KEY, "not the admin");
    await raw.set("plain:key", "plain");
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    id = (await app.db.connectionProfile.create({ data: { name: "cache", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } })).id;
    unreadable = (
      await app.db.connectionProfile.create({
        data: { name: "restored", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }), secret: sealedWithAnotherKey({ password: "pw" }) },
      })
    ).id;
    browser = await openBrowser();
    browser.page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    // Signing in is a server action: it has to work under the policy too (checked below with the rest).
    await signInAs(browser.page, app.url, admin.email, admin.password);
  });
  afterAll(async () => {
    await browser?.close();
    await redis?.stop();
    await app?.stop();
  });

  it("sends a CSP with a fresh nonce and no unsafe-eval, and the other security headers", async () => {
    const first = await fetch(`${app.url}/login`);
    const second = await fetch(`${app.url}/login`);
    const csp = first.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
    expect(csp).toContain("'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("same-origin");
    expect(first.headers.get("permissions-policy")).toContain("camera=()");
    expect(first.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
  });

  it("still signs in and opens a key under that policy; names with hidden characters show escaped", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${id}`);
    expect(new URL(page.url()).pathname).toBe(`/c/${id}`);
    const rtl = page.locator(`[role=row][data-key="xss:rtl:\\\\u202egnp.exe"]`);
    await rtl.waitFor();
    await expect(rtl.textContent()).resolves.toContain("hidden characters");
    await expect(rtl.textContent()).resolves.not.toContain("\u202E");
    const zwsp = page.locator(`[role=row][data-key="ad\\\\u200bmin:profile"]`);
    await zwsp.waitFor();
    await expect(zwsp.textContent()).resolves.toContain("hidden characters");
    await page.getByRole("tree", { name: "Namespaces" }).getByText("ad\\u200bmin", { exact: true }).waitFor();

    await rtl.click();
    const name = page.getByTestId("key-name");
    await name.filter({ hasText: "xss:rtl:\\u202egnp.exe" }).waitFor();
    await expect(name.textContent()).resolves.toBe("xss:rtl:\\u202egnp.exe");
    await page.getByTestId("key-detail").getByText("hidden characters").waitFor();
    await page.getByTestId("key-detail").getByText("not a picture").first().waitFor();
    await screenshot(page, "security-hidden-characters");
    expect(cspViolations).toEqual([]);
  });

  it("marks hidden characters in audit entries", async () => {
    await app.db.auditEntry.create({
      data: { actorEmail: admin.email, action: "keys.delete", connectionId: id, connectionName: "cache", targetKey: new Uint8Array(Buffer.from(RTL_KEY)), outcome: "ok" },
    });
    const { page } = browser;
    await page.goto(`${app.url}/audit`);
    const entry = page.locator("li").filter({ hasText: "keys.delete" }).first();
    await entry.getByText("xss:rtl:\\u202egnp.exe").waitFor();
    await expect(entry.textContent()).resolves.toContain("hidden characters");
  });

  it("refuses a cross-origin POST to a route handler with the person's own session", async () => {
    const cookie = (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const crossSite = await fetch(`${app.url}/api/c/${id}/keys/tree`, { method: "POST", headers: { cookie, origin: "http://evil.example", "sec-fetch-site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ code: "CROSS_ORIGIN" });
    // From the app's own page the same request works.
    const own = await browser.page.evaluate(async (url) => (await fetch(url, { method: "POST" })).status, `${app.url}/api/c/${id}/keys/tree`);
    expect(own).toBe(200);
  });

  it("sends a small JSON answer uncompressed, and gzips a big one for a client that accepts it", async () => {
    const cookie = (await browser.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const raw = redis.raw();
    const names = Array.from({ length: 400 }, (_, i) => `wire:${"padded-name-".repeat(5)}${i}`);
    await raw.mset(Object.fromEntries(names.map((name) => [name, "v"])));
    try {
      const headers = { cookie, "accept-encoding": "gzip" };
      // Opening one key: a few hundred bytes, never through gzip.
      const small = await fetch(`${app.url}/api/c/${id}/key`, {
        method: "POST",
        headers: { ...headers, origin: app.url, "content-type": "application/json" },
        body: JSON.stringify({ key: Buffer.from("plain:key").toString("base64") }),
      });
      const smallBody = await small.text();
      expect(small.headers.get("content-encoding")).toBeNull();
      expect(small.headers.get("cache-control")).toBe("no-store, no-transform");
      expect(JSON.parse(smallBody)).toMatchObject({ ok: true });
      // A page of 400 rows is tens of kilobytes: worth compressing.
      const big = await fetch(`${app.url}/api/c/${id}/keys?q=${encodeURIComponent("wire:*")}&limit=400`, { headers });
      expect(big.headers.get("content-encoding")).toBe("gzip");
      expect(big.headers.get("cache-control")).toBe("no-store");
      const page = (await big.json()) as { rows: unknown[] };
      expect(page.rows).toHaveLength(400);
    } finally {
      await raw.del(...names);
    }
  });

  it("shows a profile whose secret cannot be opened as 'secret unreadable — re-enter it', and every page still answers", async () => {
    const { page } = browser;
    for (const pathname of ["/", "/connections", `/c/${unreadable}`, `/connections/${unreadable}/edit`, "/audit"]) {
      const response = await page.goto(`${app.url}${pathname}`);
      expect({ pathname, status: response?.status(), shown: new URL(page.url()).pathname }).toEqual({ pathname, status: 200, shown: pathname });
    }
    await page.goto(`${app.url}/connections/${unreadable}/edit`);
    await page.getByRole("alert").filter({ hasText: "Secret unreadable — re-enter it" }).waitFor();
    await page.goto(`${app.url}/connections`);
    await page.getByRole("row").filter({ hasText: "restored" }).getByText("secret unreadable — re-enter it").first().waitFor();
    // The status in the table and the dot in the sidebar both say it.
    const statuses = page.getByTestId(`status-${unreadable}`).filter({ hasText: "secret unreadable — re-enter it" });
    await statuses.first().waitFor();
    await expect(statuses.count()).resolves.toBe(2);
    await screenshot(page, "security-secret-unreadable");
    const status = await page.evaluate(async () => (await fetch("/api/connections/status")).status);
    expect(status).toBe(200);
    const keys = await page.evaluate(async (url) => {
      const response = await fetch(url, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
      return { status: response.status, body: await response.json() };
    }, `/api/c/${unreadable}/keys`);
    expect(keys).toMatchObject({ status: 409, body: { code: "SECRET_UNREADABLE" } });
  });
});

describe("a lost secret key file", () => {
  it("stops the server with an error naming the file, instead of making a new key", async () => {
    const dir = tempDir("e2e-lost-key");
    const databaseUrl = `file:${path.join(dir, "cacheboard.db")}`;
    await applyMigrations({ url: databaseUrl, root });
    const db = createDb(databaseUrl);
    await db.connectionProfile.create({ data: { name: "sessions", kind: "redis", settings: "{}", secret: sealedWithAnotherKey({ password: "pw" }) } });
    await db.$disconnect();
    const port = await freePort();
    const server = startProcess(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: databaseUrl, CACHEBOARD_SECRET_KEY: "" },
    });
    try {
      let exitCode: number | null | undefined;
      void server.exited.then((code) => (exitCode = code));
      await waitFor(
        "the server to refuse to start",
        async () => {
          await fetch(`http://127.0.0.1:${port}/login`).catch(() => undefined);
          return exitCode !== undefined;
        },
        { timeoutMs: 60_000, intervalMs: 300 },
      );
      expect(exitCode).not.toBe(0);
      expect(server.output()).toContain(path.join(dir, "secret.key"));
      expect(server.output()).toContain("sessions");
    } finally {
      await server.stop();
      removeDir(dir);
    }
  });
});
