/**
 * The command console in Chromium: an admin opens it from the connection's tabs, runs commands (a binary value
 * shown escaped and in hex, a cut reply, KEYS refused with SCAN offered), completes a command name with Tab,
 * sees the syntax hint, recalls a line with the arrow key, runs a pasted block that stops at its first error;
 * a viewer's write is refused, and an admin's on a read-only connection; a production write asks for its
 * command name typed; memcached speaks its own commands. Screenshots at 390, 1280 and 1920 px, light and dark.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const viewer = { email: "viewer@example.test", password: "another horse battery" };

describe("command console", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let memcached: MemcachedCluster;
  let id = "";
  let productionId = "";
  let readOnlyId = "";
  let memcachedId = "";
  const browsers: Browser[] = [];
  const open = async (options?: Parameters<typeof openBrowser>[0]) => {
    const browser = await openBrowser(options);
    browsers.push(browser);
    return browser.page;
  };

  beforeAll(async () => {
    [app, redis, memcached] = await Promise.all([startApp(), startRedis(), startMemcached(1)]);
    await app.db.user.create({ data: { email: admin.email, name: "Ada", role: "admin", passwordHash: await hashPassword(admin.password) } });
    await app.db.user.create({ data: { email: viewer.email, name: "Vic", role: "viewer", passwordHash: await hashPassword(viewer.password) } });
    id = (await app.db.connectionProfile.create({ data: { name: "sessions", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } })).id;
    productionId = (
      await app.db.connectionProfile.create({ data: { name: "sessions-prod", kind: "redis", environment: "production", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port, db: 2 }) } })
    ).id;
    readOnlyId = (await app.db.connectionProfile.create({ data: { name: "sessions-ro", kind: "redis", readOnly: true, settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } })).id;
    memcachedId = (await app.db.connectionProfile.create({ data: { name: "django memcached", kind: "memcached", settings: JSON.stringify({ servers: memcached.addresses }) } })).id;
    const raw = redis.raw();
    await raw.rpush("queue", ...Array.from({ length: 1500 }, (_, i) => `job-${i}`));
    const pipeline = raw.pipeline();
    for (let i = 0; i < 10_050; i++) pipeline.set(`bulk:${i}`, "1");
    await pipeline.exec();
  });
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await Promise.all([redis?.stop(), memcached?.stop()]);
    await app?.stop();
  });

  it("an admin runs commands, completes, recalls and pastes", async () => {
    const page = await open();
    await signInAs(page, app.url, admin.email, admin.password);
    await page.goto(`${app.url}/c/${id}`);
    await page.getByRole("navigation", { name: "Connection" }).getByRole("link", { name: "Console" }).click();
    await page.waitForURL(`${app.url}/c/${id}/console`);
    const input = page.getByTestId("console-input");
    const entries = page.getByTestId("console-entry");

    await input.fill('SET "bin\\x00key" "a\\x00b"');
    await input.press("Enter");
    await entries.nth(0).getByText("OK").waitFor();
    await input.fill('GET "bin\\x00key"');
    await input.press("Enter");
    await entries.nth(1).getByTestId("reply-hex").waitFor();
    expect(await entries.nth(1).getByTestId("reply-hex").textContent()).toBe("hex 61 00 62");
    expect(await entries.nth(1).getByTestId("console-reply").textContent()).toContain('"a\\x00b"');

    // Tab completes the command name, and the syntax of what follows shows after the cursor.
    await input.fill("LRAN");
    await page.getByTestId("console-completions").getByText("LRANGE").waitFor();
    await input.press("Tab");
    expect(await input.inputValue()).toBe("LRANGE ");
    await page.getByTestId("console-hint").getByText("key start stop").waitFor();
    await input.pressSequentially("queue 0 -1");
    await input.press("Enter");
    await entries.nth(2).getByTestId("reply-cut").waitFor();
    expect(await entries.nth(2).getByTestId("reply-cut").textContent()).toContain("500 more elements not shown (the first 1,000 of 1,500)");

    await input.fill("KEYS bulk:*");
    await input.press("Enter");
    await entries.nth(3).getByTestId("console-refusal").waitFor();
    expect(await entries.nth(3).getByTestId("console-refusal").textContent()).toContain("deny list");
    await entries.nth(3).getByTestId("console-suggestion").click();
    expect(await input.inputValue()).toBe("SCAN 0 MATCH bulk:* COUNT 1000");
    await screenshot(page, "console-admin-1280");

    // The arrow key recalls earlier lines, newest first.
    await input.fill("");
    await input.press("ArrowUp");
    expect(await input.inputValue()).toBe("KEYS bulk:*");
    await input.press("ArrowUp");
    expect(await input.inputValue()).toBe("LRANGE queue 0 -1");
    await input.press("ArrowDown");
    await input.press("ArrowDown");
    expect(await input.inputValue()).toBe("");

    // A pasted block runs line by line and stops at the first error.
    await page.evaluate(() => {
      const target = document.querySelector('[data-testid="console-input"]') as HTMLInputElement;
      const data = new DataTransfer();
      data.setData("text", "SET pasted 1\nINCR queue\nSET never-run 1\n");
      target.focus();
      target.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await page.getByText(/Stopped: 1 pasted line not run/).waitFor();
    expect(await redis.raw().get("pasted")).toBe("1");
    expect(await redis.raw().exists("never-run")).toBe(0);
    expect(await page.getByTestId("console-entry").filter({ hasText: "WRONGTYPE" }).count()).toBe(1);

    // History is kept per person on the server: a reload still recalls.
    await page.reload();
    await input.press("ArrowUp");
    expect(await input.inputValue()).toBe("INCR queue");
  });

  it("a viewer reads, and a viewer's write is refused", async () => {
    const page = await open({ colorScheme: "dark" });
    await signInAs(page, app.url, viewer.email, viewer.password);
    await page.goto(`${app.url}/c/${id}/console`);
    await page.getByTestId("console-note").getByText("As a viewer you can run read-only commands.").waitFor();
    const input = page.getByTestId("console-input");
    await input.fill("HGETALL nothing-here");
    await input.press("Enter");
    await page.getByText("(empty map)").waitFor();
    await input.fill("DEL queue");
    await input.press("Enter");
    const refusal = page.getByTestId("console-refusal");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("FORBIDDEN");
    expect(await refusal.textContent()).toContain("needs the editor role");
    expect(await redis.raw().exists("queue")).toBe(1);
    await input.fill("ZADD");
    await screenshot(page, "console-viewer-dark-1280");
  });

  it("refuses every write on a read-only connection, an admin's too, and still reads", async () => {
    const page = await open();
    await signInAs(page, app.url, admin.email, admin.password);
    await page.goto(`${app.url}/c/${readOnlyId}/console`);
    await page.getByTestId("console-note").getByText("Read-only connection: only commands that change nothing run here.").waitFor();
    const input = page.getByTestId("console-input");
    await input.fill("DEL queue");
    await input.press("Enter");
    const refusal = page.getByTestId("console-refusal");
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain("READ_ONLY");
    expect(await redis.raw().exists("queue")).toBe(1);
    await input.fill("LLEN queue");
    await input.press("Enter");
    await page.getByTestId("console-entry").last().getByTestId("console-reply").getByText("1500").waitFor();
    await screenshot(page, "console-read-only");
  });

  it("asks for the command name typed before a write on production", async () => {
    const page = await open();
    await signInAs(page, app.url, admin.email, admin.password);
    await page.goto(`${app.url}/c/${productionId}/console`);
    const input = page.getByTestId("console-input");
    await input.fill("SET release 42");
    await input.press("Enter");
    const run = page.getByRole("button", { name: "Run on production" });
    await run.waitFor();
    expect(await run.isDisabled()).toBe(true);
    expect(await redis.raw().exists("release")).toBe(0);
    await page.getByLabel("Confirmation").fill("SET");
    await screenshot(page, "console-production-confirm");
    expect(await page.getByTestId("console-refusal").textContent()).toContain('type "SET" to run this write');
    await run.click();
    await page.getByTestId("console-reply").getByText("OK").waitFor();
    const raw = redis.raw();
    await raw.select(2);
    expect(await raw.get("release")).toBe("42");

    // The write is in the audit log with its arguments; the profile form is where an admin opens the deny list.
    await page.goto(`${app.url}/audit`);
    const newest = page.locator("li[data-testid^=audit-entry-]").first();
    await newest.locator("summary").click();
    await newest.getByText("SET release 42").waitFor();
    expect(await newest.locator("summary").textContent()).toContain("console.run");
    await screenshot(page, "console-audit");
    await page.goto(`${app.url}/connections/${productionId}/edit`);
    const allow = page.getByLabel("Console: deny-listed commands opened to admins");
    await allow.fill("FLUSHDB, config set");
    await allow.scrollIntoViewIfNeeded();
    await screenshot(page, "console-connection-form");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL((url) => !url.pathname.endsWith("/edit"));
    const stored = await app.db.connectionProfile.findUniqueOrThrow({ where: { id: productionId } });
    expect(JSON.parse(stored.consoleAllow)).toEqual(["FLUSHDB", "CONFIG SET"]);
  });

  it("speaks memcached on a memcached connection", async () => {
    const page = await open();
    await signInAs(page, app.url, admin.email, admin.password);
    await page.goto(`${app.url}/c/${memcachedId}/console`);
    const input = page.getByTestId("console-input");
    for (const line of ['ms "sess\x00ion" "v\x01" T0 F2', 'get "sess\x00ion"', "mg missing v", "stats settings"]) {
      await input.fill(line);
      await input.press("Enter");
      await page.getByTestId("console-entry").last().getByTestId("console-reply").waitFor();
    }
    const entries = page.getByTestId("console-entry");
    expect(await entries.nth(1).getByTestId("reply-hex").textContent()).toBe("hex 76 01");
    expect(await entries.nth(2).textContent()).toContain("EN");
    expect(await entries.nth(3).textContent()).toContain("maxbytes");
    await input.fill("mg ");
    await page.getByTestId("console-hint").getByText("key [flag ...]").waitFor();
    await screenshot(page, "console-memcached");
  });

  it("looks right at 390, 1280 and 1920 px, light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      for (const width of [390, 1280, 1920]) {
        const browser = await openBrowser({ colorScheme, viewport: { width, height: width === 390 ? 844 : 900 } });
        const page = browser.page;
        await signInAs(page, app.url, admin.email, admin.password);
        await page.goto(`${app.url}/c/${id}/console`);
        const input = page.getByTestId("console-input");
        for (const line of ["HSET user:1 name Ada lang fr", "HGETALL user:1", "ZADD board 1.5 ada", "ZRANGE board 0 -1 WITHSCORES", "GET nothing"]) {
          await input.fill(line);
          await input.press("Enter");
          await page.getByTestId("console-entry").last().getByTestId("console-reply").waitFor();
        }
        await input.fill("SET key ");
        await screenshot(page, `console-${colorScheme}-${width}`);
        await browser.close();
      }
    }
  }, 600_000);
});
