/**
 * Hostile values planted in a real Redis, opened by a viewer: a namespace of 200 zlib(zlib(zlib(63 MiB of
 * zeros))) keys lists with every row "too large to inspect" while the server keeps answering, the audit
 * page shows entries whose snapshots are such bombs, and a pickle whose memo references each level ten
 * times, nine levels deep, opens with the tab responsive and a small tree.
 */
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { keyToParam } from "@/lib/wire/keys";
import { memoBombPickle, nestedZlibBomb } from "../support/bombs";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const viewer = { email: "viewer@example.test", password: "viewer password 1" };
const BOMBS = 200;
const LABEL = "zlib → too large to inspect";
/**
 * Inspecting 200 bombs is real work for the server (each row inflates up to its budget): on a machine running
 * two suites at once it takes minutes, not seconds. These waits bound a hang, not a speed.
 */
const HEAVY_TEST_MS = 600_000;
const HEAVY_WAIT_MS = 480_000;

describe("value bombs on Redis", () => {
  let redis: RedisServer;
  let raw: Redis;
  let app: RunningApp;
  let browser: Browser;
  let connectionId = "";
  let bomb: Buffer;

  beforeAll(async () => {
    bomb = nestedZlibBomb();
    [app, redis] = await Promise.all([startApp(), startRedis()]);
    raw = redis.raw();
    const pipeline = raw.pipeline();
    for (let i = 0; i < BOMBS; i++) pipeline.set(`bombs:${String(i).padStart(3, "0")}`, bomb);
    pipeline.set("memo:bomb", memoBombPickle());
    pipeline.hset("bombs-hash", Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, bomb])));
    await pipeline.exec();
    await app.db.user.create({ data: { email: viewer.email, name: "Vi Viewer", role: "viewer", passwordHash: await hashPassword(viewer.password) } });
    connectionId = (
      await app.db.connectionProfile.create({ data: { name: "planted cache", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) } })
    ).id;
    browser = await openBrowser();
    browser.page.setDefaultTimeout(HEAVY_WAIT_MS);
    await signInAs(browser.page, app.url, viewer.email, viewer.password);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  it("lists a namespace of 200 bombs, each labelled too large to inspect, while the session route answers", async () => {
    const { page, context } = browser;
    await page.goto(`${app.url}/c/${connectionId}?ns=${keyToParam(Buffer.from("bombs:"))}`);
    // Asked while the list is loading: the server must not be stuck inflating.
    const session = await context.request.get(`${app.url}/api/session`);
    expect(session.ok()).toBe(true);
    expect(await session.json()).toMatchObject({ user: { email: viewer.email } });
    await page.getByTestId("key-count").filter({ hasText: `${BOMBS} keys loaded` }).waitFor({ timeout: HEAVY_WAIT_MS });
    // The list is virtualised and in scan order: check the rows it rendered, whichever they are.
    const rows = page.locator('[role=row][data-key^="bombs:"]');
    await rows.first().waitFor();
    await expect(rows.first().textContent()).resolves.toContain(LABEL);
    const labels = await rows.allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    for (const text of labels) expect(text).toContain(LABEL);
    await screenshot(page, "value-bombs-list");
  }, HEAVY_TEST_MS);

  it("opens a bomb key with a notice and its raw bytes", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from("bombs:000"))}`);
    await page.getByTestId("key-detail").waitFor();
    await page.getByTestId("too-large-notice").waitFor();
    await expect(page.getByTestId("format-label").textContent()).resolves.toBe(LABEL);
  }, HEAVY_TEST_MS);

  it("renders the audit page when entries hold bomb snapshots", async () => {
    const { page } = browser;
    const stringDump = (await raw.dumpBuffer("bombs:000"))!;
    const hashDump = (await raw.dumpBuffer("bombs-hash"))!;
    const ids: number[] = [];
    for (const [key, dump, type] of [
      ["bombs:000", stringDump, "string"],
      ["bombs:001", stringDump, "string"],
      ["bombs:002", stringDump, "string"],
      ["bombs-hash", hashDump, "hash"],
    ] as const) {
      const entry = await app.db.auditEntry.create({
        data: {
          actorEmail: "editor@example.test",
          connectionId,
          connectionName: "planted cache",
          action: "keys.delete",
          targetKey: new Uint8Array(Buffer.from(key)),
          beforeValue: new Uint8Array(dump),
          beforeDigest: "0".repeat(40),
          beforeMeta: JSON.stringify({ exists: true, driver: "redis", encoding: "dump", type, ttlMs: null, size: dump.length }),
          afterMeta: JSON.stringify({ exists: false }),
          outcome: "ok",
        },
      });
      ids.push(entry.id);
    }
    await page.goto(`${app.url}/audit`);
    for (const id of ids) await page.getByTestId(`audit-entry-${id}`).waitFor();
    const stringEntry = page.getByTestId(`audit-entry-${ids[0]}`);
    await stringEntry.locator("summary").click();
    await stringEntry.getByRole("region", { name: "Before" }).getByText(LABEL).waitFor();
    const hashEntry = page.getByTestId(`audit-entry-${ids[3]}`);
    await hashEntry.locator("summary").click();
    await hashEntry.getByRole("region", { name: "Before" }).getByText("f0: (too large to inspect)").waitFor();
    // The server still answers after rendering them.
    expect((await browser.context.request.get(`${app.url}/api/session`)).ok()).toBe(true);
    await screenshot(page, "value-bombs-audit");
  }, HEAVY_TEST_MS);

  it("opens the memo-bomb pickle with the tab responsive and a small tree", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from("memo:bomb"))}`);
    const tree = page.getByTestId("value-tree");
    await tree.waitFor({ timeout: HEAVY_WAIT_MS });
    await expect(page.getByTestId("format-label").textContent()).resolves.toBe("pickle protocol 4");
    await expect(page.evaluate(() => 6 * 7)).resolves.toBe(42);
    const nodes = () => page.evaluate(() => document.querySelectorAll('[data-testid="value-tree"] *').length);
    expect(await nodes()).toBeLessThan(500);
    // The top level holds the next one ten times: shown once as #1, then nine references to it.
    await tree.getByText("↺ same object as #1", { exact: true }).first().waitFor();
    await expect(tree.getByText("↺ same object as #1", { exact: true }).count()).resolves.toBe(9);
    // Opening a closed level adds its rows, and still not its expansion.
    await tree.locator("details:not([open]) > summary").first().click();
    expect(await nodes()).toBeLessThan(600);
    await expect(page.evaluate(() => document.title.length >= 0)).resolves.toBe(true);
    await screenshot(page, "value-bombs-memo-pickle");
  }, HEAVY_TEST_MS);
});
