/**
 * Cacheboard end to end: the built app (as `npm start` serves it) with an admin signed in through the login form in
 * Chromium, a connection profile for the bench Redis, and the requests its pages make, measured over HTTP
 * with that session and in the browser.
 */
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { CDPSession } from "playwright-core";
import WebSocket from "ws";
import { hashPassword } from "@/lib/auth/password";
import { keyFromParam } from "@/lib/wire/keys";
import { startApp, type RunningApp } from "../../e2e/support/app";
import { openBrowser, signInAs, type Browser } from "../../e2e/support/browser";

const root = path.resolve(import.meta.dirname, "../../..");
const admin = { email: "bench@example.test", password: "bench horse battery staple" };

export interface Cacheboard {
  app: RunningApp;
  browser: Browser;
  connectionId: string;
  /** `cb_session=<token>` of the admin signed in through the browser. */
  cookie: string;
  /** A fresh signed-in session, written to the app's database as sign-in would, for load clients. */
  newSession(): Promise<string>;
  stop(): Promise<void>;
}

/** Builds the app when its sources are newer than the last build (the e2e suite's helper). */
export async function ensureAppBuilt(): Promise<void> {
  const setup = (await import(pathToFileURL(path.join(root, "scripts/lib/setup.mjs")).href)) as { ensureBuild(): boolean };
  setup.ensureBuild();
}

export async function startCacheboard(redisPort: number): Promise<Cacheboard> {
  await ensureAppBuilt();
  const app = await startApp();
  let browser: Browser | undefined;
  try {
    const user = await app.db.user.create({
      data: { email: admin.email, name: "Bench", role: "admin", passwordHash: await hashPassword(admin.password) },
    });
    const profile = await app.db.connectionProfile.create({
      data: { name: "bench", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redisPort }), environment: "development", readOnly: false },
    });
    browser = await openBrowser();
    await signInAs(browser.page, app.url, admin.email, admin.password);
    const token = (await browser.context.cookies(app.url)).find((c) => c.name === "cb_session")?.value;
    if (!token) throw new Error("Signing in set no session cookie");
    const opened = browser;
    return {
      app,
      browser: opened,
      connectionId: profile.id,
      cookie: `cb_session=${token}`,
      async newSession() {
        const secret = randomBytes(32).toString("base64url");
        await app.db.session.create({
          data: { id: createHash("sha256").update(secret).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 86_400_000) },
        });
        return `cb_session=${secret}`;
      },
      async stop() {
        await opened.close();
        await app.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await app.stop();
    throw error;
  }
}

export async function api<T>(cb: Cacheboard, route: string, init: { method?: string; body?: unknown; cookie?: string } = {}): Promise<T> {
  const response = await fetch(`${cb.app.url}/api/c/${encodeURIComponent(cb.connectionId)}${route}`, {
    method: init.method ?? "GET",
    headers: { cookie: init.cookie ?? cb.cookie, "content-type": "application/json", origin: cb.app.url },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export interface TreeLevel {
  /** First-level prefixes (delimiter included) the tree shows, as latin1 text. */
  prefixes: Set<string>;
  /** Keys in first-level namespaces the index did not make (more than it holds). */
  omitted: number;
  polls: number;
  /** Bytes of progress the client downloaded while waiting. */
  bytes: number;
}

interface TreeStateBody {
  generation: number;
  version: number;
  outcome: "running" | "done" | "cancelled" | "error";
  scan: unknown;
  error: { message: string } | null;
  overflow: number;
  full: boolean;
  roots: { prefix: string }[];
}

/**
 * The complete first level of the namespace tree, as the page gets it: ask for the connection's shared
 * index (the first request starts its scan), poll for what changed (each poll waiting on the server for the
 * scan's end) until the scan is done, then read the
 * whole first level. A second call finds the index already built and answers at once.
 */
export async function completeFirstLevel(cb: Cacheboard): Promise<TreeLevel> {
  let polls = 0;
  let bytes = 0;
  const read = async (query: string): Promise<TreeStateBody> => {
    const response = await fetch(`${cb.app.url}/api/c/${encodeURIComponent(cb.connectionId)}/keys/tree${query}`, { headers: { cookie: cb.cookie } });
    const text = await response.text();
    polls += 1;
    bytes += text.length;
    if (!response.ok) throw new Error(`GET /keys/tree answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as TreeStateBody;
  };
  let state = await read("");
  while (state.scan || state.outcome === "running") {
    if (state.outcome === "error") throw new Error(`The tree scan failed: ${state.error?.message ?? ""}`);
    // As the page polls: each poll waits on the server up to 400 ms for the scan to end, 100 ms apart.
    await new Promise((resolve) => setTimeout(resolve, 100));
    state = await read(`?generation=${state.generation}&version=${state.version}&wait=400`);
  }
  if (state.outcome !== "done") throw new Error(`The tree scan ended ${state.outcome}: ${state.error?.message ?? ""}`);
  if (!state.full) state = await read("");
  const prefixes = new Set(state.roots.map((node) => Buffer.from(keyFromParam(node.prefix)).toString("latin1")));
  return { prefixes, omitted: state.overflow, polls, bytes };
}

interface KeyPageBody {
  rows: unknown[];
  cursor: string;
  done: boolean;
}

/** First page of `rows` described rows (type, TTL, size, format), following the cursor if a page is short. */
export async function firstPage(cb: Cacheboard, rows = 500, cookie?: string): Promise<number> {
  let loaded = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await api<KeyPageBody>(cb, "/keys", { method: "POST", body: { limit: rows, cursor }, cookie });
    loaded += page.rows.length;
    if (page.done || loaded >= rows) return loaded;
    cursor = page.cursor;
  }
}

/** Opens one key as the detail pane does; returns the bytes of JSON received. */
export async function openKey(cb: Cacheboard, key: string, cookie?: string): Promise<number> {
  const reply = await api<{ ok: boolean }>(cb, "/key", { method: "POST", body: { key: Buffer.from(key).toString("base64") }, cookie });
  if (!reply.ok) throw new Error(`Opening ${key} failed: ${JSON.stringify(reply)}`);
  return JSON.stringify(reply).length;
}

/** Opening a key over HTTP (the key pane's fallback): the round trip, and the server's own time from its Server-Timing header. */
export async function openKeyTimed(cb: Cacheboard, key: string): Promise<{ ms: number; serverMs: number }> {
  const started = performance.now();
  const response = await fetch(`${cb.app.url}/api/c/${encodeURIComponent(cb.connectionId)}/key`, {
    method: "POST",
    headers: { cookie: cb.cookie, "content-type": "application/json", origin: cb.app.url },
    body: JSON.stringify({ key: Buffer.from(key).toString("base64") }),
  });
  const reply = (await response.json()) as { ok: boolean };
  const ms = performance.now() - started;
  if (!reply.ok) throw new Error(`Opening ${key} failed: ${JSON.stringify(reply).slice(0, 300)}`);
  return { ms, serverMs: Number(/app;dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1] ?? Number.NaN) };
}

/** The key pane's own way to open keys: requests over the direct lane's WebSocket, one at a time. */
export interface LaneSocketClient {
  open(key: string): Promise<{ ms: number; serverMs: number }>;
  close(): void;
}

export async function openLaneSocket(cb: Cacheboard): Promise<LaneSocketClient> {
  const ws = new WebSocket(`${cb.app.url.replace(/^http/, "ws")}/api/lane`, { headers: { cookie: cb.cookie, origin: cb.app.url }, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_request, response) => reject(new Error(`The lane socket was refused: ${response.statusCode}`)));
    ws.once("error", reject);
  });
  let lastId = 0;
  let waiting: ((text: string) => void) | null = null;
  ws.on("message", (data) => waiting?.(data.toString()));
  const path = `/api/c/${encodeURIComponent(cb.connectionId)}/key`;
  return {
    async open(key) {
      const started = performance.now();
      const id = ++lastId;
      const text = await new Promise<string>((resolve) => {
        waiting = resolve;
        ws.send(JSON.stringify({ id, method: "POST", path, body: { key: Buffer.from(key).toString("base64") } }));
      });
      const end = text.indexOf("\n");
      const head = JSON.parse(text.slice(0, end)) as { id: number; status: number; timing?: string };
      const reply = JSON.parse(text.slice(end + 1)) as { ok: boolean };
      const ms = performance.now() - started;
      if (head.id !== id || !reply.ok) throw new Error(`Opening ${key} over the socket failed: ${text.slice(0, 300)}`);
      return { ms, serverMs: Number(/app;dur=([\d.]+)/.exec(head.timing ?? "")?.[1] ?? Number.NaN) };
    },
    close: () => ws.close(),
  };
}

/**
 * One navigation to the connection's page: when the first key rows are painted, and when the tree's first
 * level is complete (its status line says done).
 */
export async function browserNavigation(cb: Cacheboard, timeoutMs: number): Promise<{ firstRowsMs: number; treeMs: number }> {
  const { page } = cb.browser;
  await page.goto("about:blank");
  const started = performance.now();
  await page.goto(`${cb.app.url}/c/${cb.connectionId}`, { waitUntil: "commit" });
  const rows = page
    .locator("[data-testid=key-list] [role=row]")
    .first()
    .waitFor({ timeout: timeoutMs })
    .then(() => performance.now() - started);
  const tree = page
    .getByTestId("namespace-tree")
    .getByText(/ · done$/)
    .waitFor({ timeout: timeoutMs })
    .then(() => performance.now() - started);
  const [firstRowsMs, treeMs] = await Promise.all([rows, tree]);
  return { firstRowsMs, treeMs };
}

export interface ScrollFigures {
  rows: number;
  ms: number;
  frameP50: number;
  frameP99: number;
  frameMax: number;
  heapMb: number;
  listNodes: number;
  domNodes: number;
  /** Main-thread task time of the page during the scroll (CDP TaskDuration). */
  busyMs: number;
  /** Time for the last tenth of the rows over the time for the first tenth: about 1 when each page costs the same. */
  lastTenthOverFirst: number;
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/**
 * On the page browserNavigation left open, scrolls the key list until `target` rows are loaded, recording frame
 * times, JS heap and DOM nodes. The scroll runs inside the page, as a person's would: each time the count of
 * loaded rows changes, the list is scrolled to its end (dragging the scrollbar down), which asks for the next
 * page. Driving it step by step over DevTools instead would add the driver's own per-frame polling to the main
 * thread's busy time (about 2 s over 100k rows here).
 */
export async function browserScroll(cb: Cacheboard, target: number, timeoutMs: number): Promise<ScrollFigures> {
  const { page, context } = cb.browser;
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const busyBefore = (await metrics(cdp)).TaskDuration ?? 0;
  // Scripts go in as text: the bench runs under tsx, whose transform would add helpers the page lacks.
  const inPage = (await page.evaluate(`new Promise((resolve) => {
    const list = document.querySelector("[data-testid=key-list]");
    const count = document.querySelector("[data-testid=key-count]");
    const target = ${target};
    const started = performance.now();
    const frames = [];
    let stopped = false;
    let last = started;
    const tick = (now) => {
      frames.push(now - last);
      last = now;
      if (!stopped) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    // "N keys loaded" while more pages follow, "N keys loaded · all" at the end of the keyspace.
    const read = () => {
      const text = count.textContent || "";
      const match = /^([\\d,]+) keys? loaded/.exec(text);
      return { text, rows: match ? Number(match[1].replace(/,/g, "")) : 0, more: !/ loaded · all/.test(text) };
    };
    // When each tenth of the target was reached, to tell a linear scroll from one whose pages get dearer.
    const tenths = [started];
    let heapPeak = 0;
    let seen = "";
    const finish = () => {
      stopped = true;
      observer.disconnect();
      clearInterval(fallback);
      resolve({ rows: read().rows, ms: performance.now() - started, frames: frames.slice(1), tenths, heapPeak });
    };
    const step = () => {
      const state = read();
      if (state.text === seen) return;
      seen = state.text;
      while (tenths.length <= 10 && state.rows >= (target * tenths.length) / 10) tenths.push(performance.now());
      heapPeak = Math.max(heapPeak, performance.memory ? performance.memory.usedJSHeapSize : 0);
      if (state.rows >= target || !state.more || performance.now() - started > ${timeoutMs}) return finish();
      list.scrollTop = list.scrollHeight;
    };
    const observer = new MutationObserver(step);
    observer.observe(count, { childList: true, characterData: true, subtree: true });
    // A page that failed to load changes nothing: try again now and then, and give up at the timeout.
    const fallback = setInterval(() => {
      if (performance.now() - started > ${timeoutMs}) return finish();
      list.scrollTop = list.scrollHeight;
    }, 1000);
    step();
  })`)) as { rows: number; ms: number; frames: number[]; tenths: number[]; heapPeak: number };
  const state = { rows: inPage.rows };
  const frames = inPage.frames;
  const tenths = inPage.tenths;
  const heapPeak = inPage.heapPeak;
  const ms = inPage.ms;
  const last = await metrics(cdp);
  const listNodes = (await page.evaluate(`document.querySelectorAll("[data-testid=key-list] *").length`)) as number;
  await cdp.detach();
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return {
    rows: state.rows,
    ms,
    frameP50: at(0.5),
    frameP99: at(0.99),
    frameMax: sorted[sorted.length - 1] ?? Number.NaN,
    heapMb: Math.max(heapPeak, last.JSHeapUsedSize ?? 0) / 1024 / 1024,
    listNodes,
    domNodes: last.Nodes ?? Number.NaN,
    busyMs: ((last.TaskDuration ?? 0) - busyBefore) * 1000,
    lastTenthOverFirst: tenths.length === 11 ? (tenths[10] - tenths[9]) / Math.max(1, tenths[1] - tenths[0]) : Number.NaN,
  };
}
