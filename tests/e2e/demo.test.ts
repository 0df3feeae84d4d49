/**
 * `npm run demo` end to end: its entry script runs as a child process; the test waits for the printed URL,
 * signs in with the printed credentials, opens each of the three connections and reads keys the Python
 * libraries' writers left there, then stops the demo with SIGINT and checks that every server it started
 * is gone and its directory removed.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portAccepts, startProcess, waitFor, type StartedProcess } from "../support/process";
import { openBrowser, screenshot, signInAs, type Browser } from "./support/browser";

const root = path.resolve(import.meta.dirname, "../..");

interface Printed {
  url: string;
  email: string;
  password: string;
  dir: string;
  servers: { name: string; port: number; pid: number }[];
}

function parse(output: string): Printed | null {
  const ready = /Cacheboard demo is ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
  const login = /Sign in as (\S+) with password (\S+)/.exec(output);
  const dir = /data in (\S+)/.exec(output);
  if (!ready || !login || !dir) return null;
  const servers = [...output.matchAll(/^(redis-server|memcached|uwsgi) +127\.0\.0\.1:(\d+) +pid (\d+)/gm)].map((m) => ({ name: m[1], port: Number(m[2]), pid: Number(m[3]) }));
  return { url: ready[1], email: login[1], password: login[2], dir: dir[1], servers };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm run demo", () => {
  let demo: StartedProcess;
  let printed: Printed;
  let browser: Browser | undefined;

  beforeAll(async () => {
    demo = startProcess(process.execPath, ["--import", "tsx", path.join(root, "scripts/demo/main.ts")], { cwd: root });
    await waitFor(
      "the demo to print its URL",
      async () => {
        const found = parse(demo.output());
        if (found) printed = found;
        return found !== null;
      },
      { timeoutMs: 240_000, intervalMs: 250, process: demo },
    );
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.stop(20_000);
  });

  /** Opens a connection from the sidebar, filters for `key`, opens it, and returns its format label. */
  async function openKey(connection: string, key: string): Promise<string> {
    const { page } = browser!;
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: connection }).click();
    await page.waitForURL(/\/c\/[^/?]+/);
    await page.getByTestId("key-count").filter({ hasText: /keys loaded/ }).waitFor();
    await page.getByLabel("Filter keys").fill(key);
    await page.getByLabel("Filter keys").press("Enter");
    const row = page.locator(`[role=row][data-key="${key}"]`);
    await row.waitFor();
    await row.click();
    await page.getByTestId("key-detail").waitFor();
    await page.getByTestId("key-name").filter({ hasText: key }).waitFor();
    return (await page.getByTestId("format-label").textContent()) ?? "";
  }

  it("prints the three servers it started on loopback", () => {
    expect(printed.servers.map((s) => s.name)).toEqual(["redis-server", "memcached", "uwsgi"]);
    expect(demo.output()).toContain("100,000 more keys");
  });

  it("signs in with the printed credentials and shows keys on each connection", async () => {
    const { page } = browser!;
    await signInAs(page, printed.url, printed.email, printed.password);

    // From the 100k bulk, and from the Python libraries' writers (python3, or the same bytes from
    // scripts/demo/python-shaped.ts where Debian's python3 lacks the modules).
    await expect(openKey("Demo Redis", ":1:profile:7")).resolves.toMatch(/^pickle protocol 5$/);
    await page.getByTestId("value-tree").filter({ hasText: "'User 7'" }).waitFor();
    await expect(openKey("Demo Redis", ":1:user:42")).resolves.toMatch(/^pickle protocol 5$/);
    await page.getByTestId("value-tree").filter({ hasText: "'Ada'" }).waitFor();
    await expect(openKey("Demo Redis", "profiles:user:3")).resolves.toMatch(/msgpack/);
    await screenshot(page, "demo-redis");

    await expect(openKey("Demo memcached", ":1:user:42")).resolves.toMatch(/^pickle protocol 5$/);
    await page.getByTestId("value-tree").filter({ hasText: "'Ada'" }).waitFor();
    await expect(openKey("Demo memcached", "catalog:product:7")).resolves.toBe("JSON (Python json.dumps)");
    await screenshot(page, "demo-memcached");

    await expect(openKey("Demo uWSGI", "default:counters:visits")).resolves.toBe("int64 counter");
    await page.getByTestId("counter-value").filter({ hasText: /^1,?234$/ }).waitFor();
    await screenshot(page, "demo-uwsgi");
  });

  it("stops everything it started on SIGINT", async () => {
    await browser?.close();
    browser = undefined;
    process.kill(demo.pid, "SIGINT");
    await expect(demo.exited).resolves.toBe(0);
    expect(demo.output()).toContain("Demo stopped.");
    for (const server of printed.servers) {
      expect(alive(server.pid), `${server.name} (pid ${server.pid})`).toBe(false);
      await expect(portAccepts(server.port), `${server.name} on port ${server.port}`).resolves.toBe(false);
    }
    await expect(portAccepts(Number(new URL(printed.url).port)), "the dashboard").resolves.toBe(false);
    expect(existsSync(printed.dir)).toBe(false);
  });
});
