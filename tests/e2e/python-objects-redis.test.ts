/**
 * Python objects in the key pane against a real Redis: a pickle of the stdlib objects Django and aiocache
 * users cache, edited as a Python literal and read back by CPython; "Add key" with a datetime; short binary
 * values and control characters; key-scheme labels; and a Litestar store deleted with or without its child
 * stores.
 */
import { execFileSync } from "node:child_process";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keyToParam } from "@/lib/wire/keys";
import { startRedis, type RedisServer } from "../support/redis";
import { startApp, type RunningApp } from "./support/app";
import { type Browser, createFirstAdmin, openBrowser, screenshot, signInAs } from "./support/browser";

const admin = { email: "admin@example.test", password: "correct horse battery" };
const PRELUDE =
  "import pickle, redis, datetime, collections\nfrom datetime import timezone, timedelta\nfrom decimal import Decimal\nfrom uuid import UUID\nfrom collections import OrderedDict\n";

const ORDER =
  "{'when': datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), 'price': Decimal('9.99'), " +
  "'id': UUID('12345678-1234-5678-1234-567812345678'), 'tags': {'a', 'b'}, 'frozen': frozenset({1}), 'raw': b'\\x00\\x01', " +
  "'order': OrderedDict([('x', 1)]), 'span': datetime.timedelta(seconds=30), 'day': datetime.date(2024, 1, 1), 'at': datetime.time(12, 0)}";

describe("Python objects on Redis", () => {
  let redis: RedisServer;
  let raw: Redis;
  let app: RunningApp;
  let browser: Browser;
  let connectionId: string;
  const pageErrors: string[] = [];

  const python = (code: string): string => execFileSync("/usr/bin/python3", ["-c", `${PRELUDE}r = redis.Redis(port=${redis.port})\n${code}`]).toString().trim();
  const open = async (key: string) => {
    await browser.page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from(key))}`);
    await browser.page.getByTestId("key-detail").waitFor();
  };

  beforeAll(async () => {
    redis = await startRedis();
    raw = redis.raw();
    python(
      [
        `r.set(':1:order:7', pickle.dumps(${ORDER}, 5), ex=86400)`,
        "r.set('bin:short', b'\\x00\\x01\\x02')",
        "r.set('text:nul', b'A line with a NUL\\x00 in the middle of a sentence that is otherwise plain text, long enough to stay text.')",
        "r.set('myapp:2:user:42', b'{\"name\": \"Ada\"}')",
        "r.set(':1:views.decorators.cache.cache_page..GET.d41d8cd98f00b204e9800998ecf8427e.d41d8cd98f00b204e9800998ecf8427e.en-us.UTC', pickle.dumps(b'<html></html>', 5))",
        "r.set('LITESTAR_rate_limit:RateLimitMiddleware::127.0.0.1', b'{\"history\":[1700000000],\"reset\":1700000060}')",
        "[r.set(f'LITESTAR:item{i}', b'value') for i in range(3)]",
        "r.set('LITESTAR_sessions:' + 'ab' * 32, b'{\"user\":1}')",
        "r.set('LITESTARX:keep', b'sibling')",
      ].join("\n"),
    );
    app = await startApp();
    browser = await openBrowser();
    const { page } = browser;
    page.on("pageerror", (error) => pageErrors.push(`${error.message}\n${error.stack ?? ""}`));
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) pageErrors.push(message.text());
    });
    await createFirstAdmin(page, app.url, admin);
    const profile = await app.db.connectionProfile.create({
      data: { name: "python redis", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }) },
    });
    connectionId = profile.id;
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await redis?.stop();
  });

  it("edits a pickle of datetimes, Decimal, UUID, sets, bytes and OrderedDict as a Python literal; CPython reads the edit", async () => {
    const { page } = browser;
    await open(":1:order:7");
    const tree = page.getByTestId("value-tree");
    await tree.filter({ hasText: "datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)" }).waitFor();
    await expect(tree.textContent()).resolves.toContain("Decimal('9.99')");
    await expect(page.getByTestId("key-scheme").textContent()).resolves.toBe("Django / async-caches, version 1");
    await screenshot(page, "python-objects-pickle-1280");
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, "python-objects-pickle-1920");
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const editor = page.getByLabel("Value editor");
    await editor.waitFor();
    const before = await editor.inputValue();
    expect(before).toContain("'when': datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)");
    expect(before).toContain("'order': OrderedDict([('x', 1)])");
    await editor.fill(
      before.replace("datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)", "datetime.datetime(2025, 6, 7, 8, 9, 10, 11, tzinfo=datetime.timezone.utc)").replace("Decimal('9.99')", "Decimal('10.50')"),
    );
    await screenshot(page, "python-objects-editor-1280");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await tree.filter({ hasText: "datetime.datetime(2025, 6, 7, 8, 9, 10, 11, tzinfo=datetime.timezone.utc)" }).waitFor();

    const expected = ORDER.replace("datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)", "datetime.datetime(2025, 6, 7, 8, 9, 10, 11, tzinfo=datetime.timezone.utc)").replace("Decimal('9.99')", "Decimal('10.50')");
    expect(python(`v = r.get(':1:order:7'); d = pickle.loads(v); print(v[1], d == ${expected}, type(d['order']).__name__, type(d['frozen']).__name__, r.ttl(':1:order:7') > 80000)`)).toBe(
      "5 True OrderedDict frozenset True",
    );
  });

  it("refuses a call outside the allow-list and says why, writing nothing", async () => {
    const { page } = browser;
    await open(":1:order:7");
    const before = await raw.getBuffer(":1:order:7");
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const editor = page.getByLabel("Value editor");
    await editor.fill("{'x': os.system('echo pwned')}");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "os.system() is not one of the objects that can be written" }).waitFor();
    expect((await raw.getBuffer(":1:order:7"))!.equals(before!)).toBe(true);
    await page.getByRole("button", { name: "Cancel" }).click();
  });

  it("adds a key holding a pickled datetime", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${connectionId}`);
    await page.getByRole("button", { name: "Add key" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a key" });
    await dialog.getByLabel("Key", { exact: true }).fill(":1:created");
    await dialog.getByLabel("Format").selectOption("pickle4");
    await dialog.getByLabel("Value", { exact: true }).fill("datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc)");
    await dialog.getByRole("button", { name: "Create key" }).click();
    await page.getByTestId("key-name").filter({ hasText: ":1:created" }).waitFor();
    await page.getByTestId("value-tree").filter({ hasText: "datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc)" }).waitFor();
    expect(python("v = r.get(':1:created'); print(v[1], pickle.loads(v) == datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.timezone.utc), v == pickle.dumps(pickle.loads(v), 4))")).toBe(
      "4 True True",
    );
  });

  it("shows a short binary value as hex, and control characters in text as visible escapes", async () => {
    const { page } = browser;
    await open("bin:short");
    await page.getByTestId("format-label").filter({ hasText: /^binary$/ }).waitFor();
    await expect(page.getByTestId("hex-dump").textContent()).resolves.toContain("00 01 02");
    await screenshot(page, "python-objects-binary-1280");
    await page.getByRole("group", { name: "Show as" }).getByRole("button", { name: "Text" }).click();
    const text = page.getByTestId("text-view");
    await text.waitFor();
    await expect(text.locator("[data-control-char]").allTextContents()).resolves.toEqual(["\\x00", "\\x01", "\\x02"]);

    await open("text:nul");
    await page.getByTestId("format-label").filter({ hasText: /^text$/ }).waitFor();
    await expect(page.getByTestId("text-view").locator("[data-control-char]").allTextContents()).resolves.toEqual(["\\x00"]);
    await expect(page.getByTestId("text-view").textContent()).resolves.toContain("NUL\\x00 in the middle");
    await screenshot(page, "python-objects-control-chars-1280");
  });

  it("labels each key with the scheme that wrote it", async () => {
    const { page } = browser;
    const cases: [string, string][] = [
      ["myapp:2:user:42", "Django / async-caches, version 2"],
      [":1:views.decorators.cache.cache_page..GET.d41d8cd98f00b204e9800998ecf8427e.d41d8cd98f00b204e9800998ecf8427e.en-us.UTC", "Django v1 · cache_page"],
      ["LITESTAR_rate_limit:RateLimitMiddleware::127.0.0.1", "Litestar rate limit · client 127.0.0.1"],
      ["LITESTAR_sessions:" + "ab".repeat(32), "Litestar sessions · session id"],
    ];
    for (const [key, label] of cases) {
      await open(key);
      await page.getByTestId("key-scheme").filter({ hasText: label }).waitFor();
      expect(await page.getByTestId("key-scheme").textContent()).toBe(label);
    }
    await open("bin:short");
    await page.getByTestId("format-label").waitFor();
    expect(await page.getByTestId("key-scheme").count()).toBe(0);
  });

  it("shows the objects and control characters readably in dark mode", async () => {
    const dark = await openBrowser({ colorScheme: "dark" });
    try {
      await signInAs(dark.page, app.url, admin.email, admin.password);
      await dark.page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from(":1:order:7"))}`);
      await dark.page.getByTestId("value-tree").filter({ hasText: "Decimal('10.50')" }).waitFor();
      await screenshot(dark.page, "python-objects-pickle-1280-dark");
      await dark.page.goto(`${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from("text:nul"))}`);
      await dark.page.getByTestId("text-view").locator("[data-control-char]").waitFor();
      await screenshot(dark.page, "python-objects-control-chars-1280-dark");
    } finally {
      await dark.close();
    }
  });

  it("deleting the LITESTAR store lists its child stores and deletes them only when asked", async () => {
    const { page } = browser;
    await page.goto(`${app.url}/c/${connectionId}`);
    const tree = page.getByTestId("namespace-tree");
    await tree.getByRole("treeitem", { name: "LITESTAR", exact: true }).hover();
    await tree.getByRole("button", { name: "Actions for LITESTAR", exact: true }).click();
    await page.getByRole("menuitem", { name: "Delete all…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("namespace-preview").filter({ hasText: "3 keys will be deleted" }).waitFor();
    const stores = dialog.getByTestId("child-stores");
    await stores.filter({ hasText: "LITESTAR_sessions" }).filter({ hasText: "LITESTAR_rate_limit" }).waitFor();
    await expect(stores.textContent()).resolves.toContain("are not touched");
    expect(await stores.textContent()).not.toContain("LITESTARX");
    await screenshot(page, "python-objects-litestar-child-stores");
    await stores.getByLabel("Also delete the child stores").check();
    await dialog.getByTestId("namespace-preview").filter({ hasText: "5 keys will be deleted" }).waitFor();
    await dialog.getByLabel("Confirmation text").fill("LITESTAR:");
    await dialog.getByRole("button", { name: "Delete 5 keys" }).click();
    await dialog.getByText(/5 deleted · done/).waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();

    expect((await raw.keys("LITESTAR*")).sort()).toEqual(["LITESTARX:keep"]);
    const audit = await app.db.auditEntry.findMany({ where: { action: "namespaces.delete", connectionId } });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].detail!)).toMatchObject({ prefix: "LITESTAR:", count: 5, cancelled: false });
    expect(JSON.parse(audit[0].detail!).alsoPrefixes.sort()).toEqual(["LITESTAR_rate_limit:", "LITESTAR_sessions:"]);
  });
});
