/**
 * The keyspace analysis page in Chromium on the other two backends: a memcached pool written by pymemcache
 * (pickle serde) and a uWSGI cache written by the uWSGI app's own `uwsgi.cache_set`. An editor starts each
 * analysis and reads the figures the page shows against what was written and what the servers say; the slab
 * classes and the cache's own usage are on the page. Screenshots in light and dark.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { startMemcached, type MemcachedCluster } from "../support/memcached";
import { debianPython } from "../support/process";
import { startUwsgi, UWSGI_TEST_TIMEOUT_MS, type UwsgiServer } from "../support/uwsgi";
import { startApp, type RunningApp } from "./support/app";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const editor = { email: "editor@example.test", password: "correct horse battery" };

/** pymemcache's HashClient (pickle serde) over the pool: pickled dicts, pages for an hour, big values for a week, ints. */
const SEED = path.resolve(import.meta.dirname, "../fixtures/python-caches/seed_pymemcache_mix.py");

/** What memcached itself holds: used chunks over every slab class of every server (`stats slabs`). */
const USED_CHUNKS = `
import sys, socket
total = 0
for spec in sys.argv[1:]:
    host, port = spec.rsplit(":", 1)
    s = socket.create_connection((host, int(port))); s.sendall(b"stats slabs\\r\\n"); data = b""
    while not data.endswith(b"END\\r\\n"): data += s.recv(65536)
    s.close()
    for line in data.decode().splitlines():
        parts = line.split(" ")
        if len(parts) == 3 and parts[1].endswith(":used_chunks"): total += int(parts[2])
print(total)
`;

describe("keyspace analysis page on memcached and uWSGI", () => {
  let app: RunningApp;
  let memcached: MemcachedCluster;
  let uwsgi: UwsgiServer;
  const browsers: Browser[] = [];
  const open = async (options?: Parameters<typeof openBrowser>[0]) => {
    const browser = await openBrowser(options);
    browsers.push(browser);
    await signInAs(browser.page, app.url, editor.email, editor.password);
    return browser.page;
  };

  beforeAll(async () => {
    [app, memcached, uwsgi] = await Promise.all([startApp(), startMemcached(2), startUwsgi([{ name: "pages", items: 300, keysize: 128, blocksize: 2048 }])]);
    await app.db.user.create({ data: { email: editor.email, name: "Eddie", role: "editor", passwordHash: await hashPassword(editor.password) } });
  }, 120_000);
  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await memcached?.stop();
    await uwsgi?.stop();
    await app?.stop();
  });

  /** Opens the connection's analysis page, starts an analysis and waits for its report. */
  async function analyse(page: Awaited<ReturnType<typeof open>>, id: string) {
    await page.goto(`${app.url}/c/${id}`);
    await page.getByRole("navigation", { name: "Connection" }).getByRole("link", { name: "Analysis" }).click();
    await page.waitForURL(`${app.url}/c/${id}/analysis`);
    await page.getByRole("button", { name: "Analyze keyspace" }).click();
    await page.getByTestId("analysis-report").waitFor({ timeout: 90_000 });
    await page.waitForURL(/\/analysis\?report=/);
  }

  it("memcached written by pymemcache: keys, namespaces, TTLs, the biggest keys and the slab classes", async () => {
    execFileSync(debianPython(), [SEED, ...memcached.addresses]);
    const { id } = await app.db.connectionProfile.create({
      data: { name: "sessions pool", kind: "memcached", settings: JSON.stringify({ servers: memcached.addresses }), environment: "production" },
    });
    const page = await open();
    await analyse(page, id);
    // memcached has no scan pace: the metadump is read at the server's speed, production or not.
    expect(await page.getByTestId("analysis-pace").textContent()).toContain("server's own key dump");

    expect(await page.getByTestId("analysis-keys").textContent()).toBe("83");
    // The pickled sessions and the ints never expire.
    expect(await page.getByTestId("analysis-no-ttl").textContent()).toBe("58");
    expect(await page.getByTestId("ttl-histogram").locator("[data-bucket=hour]").textContent()).toContain("20 keys");
    const table = page.getByTestId("namespace-table");
    expect((await table.locator("tbody tr td:first-child a").allTextContents()).sort()).toEqual(["big:", "py:"]);
    const biggest = await page.getByTestId("top-bytes").locator("tbody tr a").allTextContents();
    expect(biggest.slice(0, 5).every((label) => label.startsWith("big:"))).toBe(true);

    const slabs = page.getByTestId("slab-table");
    await slabs.waitFor();
    const used = Number(execFileSync(debianPython(), ["-c", USED_CHUNKS, ...memcached.addresses], { encoding: "utf8" }).trim());
    const shown = (await slabs.locator("tbody tr td:nth-child(3)").allTextContents()).map((text) => Number(text.split(" / ")[0].replace(/,/g, "")));
    expect(shown.reduce((a, b) => a + b, 0)).toBe(used);
    // Two servers: each class row names its server.
    expect(await slabs.locator("tbody tr").first().textContent()).toMatch(/127\.0\.0\.1:\d+/);
    await screenshot(page, "analysis-memcached-light");

    const dark = await open({ colorScheme: "dark" });
    await dark.goto(page.url());
    await dark.getByTestId("slab-table").waitFor();
    await screenshot(dark, "analysis-memcached-dark");
  });

  it("uWSGI written by its own app: item figures per namespace and the cache's own usage", async () => {
    for (let i = 0; i < 30; i++) await uwsgi.app({ op: "set", cache: "pages", key: Buffer.from(`page:${i}`), value: Buffer.alloc(100 + i, 0x61) });
    for (let i = 0; i < 12; i++) await uwsgi.app({ op: "set", cache: "pages", key: Buffer.from(`frag:${i}`), value: Buffer.alloc(40, 0x62), expires: 3600 });
    const { id } = await app.db.connectionProfile.create({
      data: {
        name: "page cache",
        kind: "uwsgi",
        settings: JSON.stringify({ address: uwsgi.address, statsAddress: uwsgi.statsAddress, caches: [{ name: "pages", keysize: 128, blocksize: 2048 }] }),
        timeoutMs: UWSGI_TEST_TIMEOUT_MS,
      },
    });
    const page = await open();
    await analyse(page, id);

    expect(await page.getByTestId("analysis-keys").textContent()).toBe("42");
    expect(await page.getByTestId("analysis-no-ttl").textContent()).toBe("30");
    const table = page.getByTestId("namespace-table");
    await page.getByLabel("Namespace level").selectOption("2");
    await table.getByRole("button", { name: "Keys" }).click();
    const rows = table.locator("tbody tr");
    expect(await rows.first().locator("td:first-child a").textContent()).toBe("pages:page:");
    expect(await rows.first().locator("td").nth(3).textContent()).toBe("30");

    const usage = page.getByTestId("cache-usage-table").locator("tbody tr").first();
    await usage.waitFor();
    const cells = await usage.locator("td").allTextContents();
    expect(cells[0]).toContain("pages");
    expect(cells[1]).toContain("42");
    expect(cells[1]).toContain("300");
    await screenshot(page, "analysis-uwsgi-light");

    const dark = await open({ colorScheme: "dark" });
    await dark.goto(page.url());
    await dark.getByTestId("cache-usage-table").waitFor();
    await screenshot(dark, "analysis-uwsgi-dark");
  });
});
