/**
 * The direct lane's WebSocket (/api/lane; framing in lib/wire/lane.ts): the key pane's reads over one open
 * connection. Against the built app: every answer equals the HTTP lane's for the same request, the upgrade
 * and each message are admitted as an HTTP request is (origin, session, role), bad and hostile messages are
 * refused without harm, a cancelled or abandoned key page stops its walk; and in Chromium the key pane reads
 * over the socket, and over HTTP when the socket is refused or loses a read.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { keyToParam } from "@/lib/wire/keys";
import { LANE_IN_FLIGHT_LIMIT, LANE_MESSAGE_LIMIT } from "@/lib/wire/lane";
import { startRedis, type RedisServer } from "../support/redis";
import { scanCalls, slowScanProfile, startApp, type RunningApp } from "./support/app";
import { type Browser, openBrowser, screenshot } from "./support/browser";

interface Answer {
  id: number | null;
  status: number;
  timing?: string;
  json: unknown;
}

/** A test client of the lane socket: requests by id, answers as they come. */
class LaneClient {
  private lastId = 0;
  private readonly answers = new Map<number | null, Answer[]>();
  private readonly waiters = new Map<number | null, (answer: Answer) => void>();
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on("message", (data) => {
      const text = data.toString();
      const end = text.indexOf("\n");
      const head = JSON.parse(text.slice(0, end)) as Omit<Answer, "json">;
      const answer = { ...head, json: JSON.parse(text.slice(end + 1)) as unknown };
      const waiter = this.waiters.get(head.id);
      if (waiter) {
        this.waiters.delete(head.id);
        waiter(answer);
      } else {
        this.answers.set(head.id, [...(this.answers.get(head.id) ?? []), answer]);
      }
    });
  }

  /** Opens a socket, or resolves with the HTTP status the upgrade was refused with. */
  static open(base: string, headers: Record<string, string>, path = "/api/lane"): Promise<LaneClient | { refused: number; body: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${base.replace(/^http/, "ws")}${path}`, { headers, perMessageDeflate: false });
      ws.once("open", () => resolve(new LaneClient(ws)));
      ws.once("unexpected-response", (_request, response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ refused: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      ws.once("error", reject);
    });
  }

  next(id: number | null): Promise<Answer> {
    const queued = this.answers.get(id);
    if (queued?.length) return Promise.resolve(queued.shift()!);
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  send(method: string, path: string, body?: unknown): number {
    const id = ++this.lastId;
    this.ws.send(JSON.stringify({ id, method, path, ...(body === undefined ? {} : { body }) }));
    return id;
  }

  request(method: string, path: string, body?: unknown): Promise<Answer> {
    return this.next(this.send(method, path, body));
  }

  close(): void {
    this.ws.close();
  }
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString("base64");

describe("the lane's WebSocket", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let raw: Redis;
  let connectionId: string;
  let viewerId: string;
  let viewer: string;
  let client: LaneClient;
  const binaryKey = Buffer.from([0x73, 0x6f, 0x63, 0x6b, 0x3a, 0x00, 0xff, 0xfe, 0x0a]);

  async function session(userId: string): Promise<{ cookie: string; id: string }> {
    const token = randomBytes(32).toString("base64url");
    const id = createHash("sha256").update(token).digest("hex");
    await app.db.session.create({ data: { id, userId, expiresAt: new Date(Date.now() + 3_600_000) } });
    return { cookie: `cb_session=${token}`, id };
  }

  /** The same request over HTTP (the lane takes it: a JSON body of declared length). */
  async function overHttp(method: string, path: string, body?: unknown, cookie = viewer): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { cookie, origin: app.url, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.headers.get("server-timing")).toContain("lane;desc=direct");
    return { status: response.status, json: await response.json() };
  }

  const keyPath = () => `/api/c/${encodeURIComponent(connectionId)}/key`;
  const socketOf = async (headers: Record<string, string>) => {
    const opened = await LaneClient.open(app.url, headers);
    if (!(opened instanceof LaneClient)) throw new Error(`the upgrade was refused with ${opened.refused}: ${opened.body}`);
    return opened;
  };

  beforeAll(async () => {
    [redis, app] = await Promise.all([startRedis(), startApp()]);
    raw = redis.raw();
    await raw.set("sock:text", "hello over the socket");
    await raw.set(binaryKey, Buffer.from([0x80, 0x04, 0x95, 0x00, 0xff]));
    await raw.rpush("sock:list", ...Array.from({ length: 300 }, (_, i) => `item ${i}`));
    await raw.hset("sock:hash", { "field-alpha": "value-one", "field-beta": "value-two" });
    await raw.set("sock:big", "y".repeat(200_000));
    for (let i = 0; i < 50; i++) await raw.set(`other:many:${i}`, String(i));
    const user = await app.db.user.create({ data: { email: "viewer@example.test", passwordHash: "scrypt$unused", role: "viewer" } });
    viewerId = user.id;
    viewer = (await session(user.id)).cookie;
    const profile = await app.db.connectionProfile.create({
      data: { name: "socket", kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port: redis.port }), environment: "development", readOnly: false },
    });
    connectionId = profile.id;
    client = await socketOf({ cookie: viewer, origin: app.url });
  });
  afterAll(async () => {
    client?.close();
    raw?.disconnect();
    await Promise.all([app?.stop(), redis?.stop()]);
  });

  it("answers every lane route exactly as the HTTP lane does", async () => {
    const requests: [string, string, unknown?][] = [
      ["POST", keyPath(), { key: b64("sock:text") }],
      ["POST", keyPath(), { key: b64(binaryKey) }],
      ["POST", keyPath(), { key: b64("sock:missing") }],
      ["POST", keyPath(), { key: b64("sock:list"), limit: 100 }],
      ["POST", keyPath(), { key: b64("sock:hash") }],
      ["POST", keyPath(), { key: b64("sock:big"), limit: 100_000 }],
      ["POST", keyPath(), { key: 5 }],
      ["POST", keyPath(), { key: "not base64!" }],
      ["POST", "/api/c/no-such-connection/key", { key: b64("sock:text") }],
      ["POST", `/api/c/${encodeURIComponent(connectionId)}/keys`, { match: "other:many:*", limit: 1000 }],
      ["POST", `/api/c/${encodeURIComponent(connectionId)}/keys`, { limit: 5000 }],
      ["GET", `/api/c/${encodeURIComponent(connectionId)}/keys/tree`],
    ];
    // A tree answer read while the index's first scan runs depends on the moment it is read (keys scanned so far,
    // or the scan just ended between the two): both lanes read it once that scan has ended.
    for (;;) {
      const tree = await overHttp("GET", `/api/c/${encodeURIComponent(connectionId)}/keys/tree?wait=2000`);
      if ((tree.json as { scan: unknown }).scan === null) break;
    }
    const statuses: number[] = [];
    for (const [method, path, body] of requests) {
      const [socket, http] = await Promise.all([client.request(method, path, body), overHttp(method, path, body)]);
      expect(socket.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(http.status);
      expect(socket.timing).toMatch(/^app;dur=[\d.]+$/);
      const normal = (json: unknown) => JSON.stringify({ ...(json as object), readAt: 0, state: undefined });
      expect(normal(socket.json)).toBe(normal(http.json));
      statuses.push(socket.status);
    }
    expect(statuses).toEqual([200, 200, 404, 200, 200, 200, 400, 400, 404, 200, 400, 200]);
    const list = await client.request("POST", `/api/c/${encodeURIComponent(connectionId)}/keys`, { match: "other:many:*", limit: 1000 });
    expect((list.json as { rows: unknown[] }).rows).toHaveLength(50);
  });

  it("refuses the upgrade without a session, from another site, and on any other path", async () => {
    expect(await LaneClient.open(app.url, { origin: app.url })).toMatchObject({ refused: 401 });
    expect(await LaneClient.open(app.url, { cookie: "cb_session=not-a-session", origin: app.url })).toMatchObject({ refused: 401 });
    expect(await LaneClient.open(app.url, { cookie: viewer, origin: "http://evil.example" })).toMatchObject({ refused: 403 });
    expect(await LaneClient.open(app.url, { cookie: viewer, origin: app.url, "sec-fetch-site": "cross-site" })).toMatchObject({ refused: 403 });
    expect(await LaneClient.open(app.url, { cookie: viewer, origin: app.url }, "/api/lane/")).toMatchObject({ refused: 404 });
    expect(await LaneClient.open(app.url, { cookie: viewer, origin: app.url }, "/_next/webpack-hmr")).toMatchObject({ refused: 404 });
  });

  it("answers a bad message with a refusal and keeps the socket; binary and oversized frames close it", async () => {
    const socket = await socketOf({ cookie: viewer, origin: app.url });
    socket.ws.send("{not json");
    expect(await socket.next(null)).toMatchObject({ status: 400, json: { ok: false, code: "INVALID_ARGUMENT" } });
    socket.ws.send(JSON.stringify({ id: -1, method: "POST", path: keyPath() }));
    expect(await socket.next(null)).toMatchObject({ status: 400 });
    socket.ws.send(JSON.stringify({ id: 7, method: "DELETE", path: keyPath() }));
    expect(await socket.next(7)).toMatchObject({ status: 400 });
    // Routes the lane does not answer, and the lane's routes by another method, are not answered here.
    expect(await socket.request("POST", `/api/c/${encodeURIComponent(connectionId)}/keys/delete`, {})).toMatchObject({ status: 404 });
    expect(await socket.request("GET", keyPath())).toMatchObject({ status: 404 });
    expect(await socket.request("POST", "/api/c/%E0%A4%A/key", { key: b64("sock:text") })).toMatchObject({ status: 404 });
    // Hostile key names and bodies are data.
    const hostile = Buffer.from(`sock:<script>alert(1)</script>\u0000\r\n${"*a".repeat(40)}b`);
    await raw.set(hostile, "still data");
    const read = await socket.request("POST", keyPath(), { key: b64(hostile) });
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.json)).toContain(b64("still data"));
    expect(await socket.request("POST", keyPath(), { key: b64("sock:text") })).toMatchObject({ status: 200 });

    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await socket.closed).code).toBe(1003);

    const big = await socketOf({ cookie: viewer, origin: app.url });
    big.ws.send(JSON.stringify({ id: 1, method: "POST", path: keyPath(), body: { key: "A".repeat(LANE_MESSAGE_LIMIT) } }));
    expect((await big.closed).code).toBe(1009);
    // The server goes on answering everyone else.
    expect(await client.request("POST", keyPath(), { key: b64("sock:text") })).toMatchObject({ status: 200 });
  });

  it("admits every message again: a session that ends is refused from then on", async () => {
    const own = await session(viewerId);
    const socket = await socketOf({ cookie: own.cookie, origin: app.url });
    expect(await socket.request("POST", keyPath(), { key: b64("sock:text") })).toMatchObject({ status: 200 });
    // Ended by another process (this test's database client): the app's session memo lets it go unseen for at
    // most its time limit, so this asks until the refusal comes.
    await app.db.session.delete({ where: { id: own.id } });
    let status = 200;
    for (let i = 0; i < 100 && status === 200; i++) {
      status = (await socket.request("POST", keyPath(), { key: b64("sock:text") })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
    socket.close();
  });

  it("stops a key page's walk when the request is cancelled or the socket closes, and bounds the requests under way", async () => {
    // One SCAN of 10 keys, then a pause of 1.5 s before the next: the cancel comes during the pause.
    const pacedId = await slowScanProfile(app, redis.port);
    const scans = () => scanCalls(raw);
    const pagePath = `/api/c/${encodeURIComponent(pacedId)}/keys`;
    const settle = () => new Promise((resolve) => setTimeout(resolve, 2500));

    let before = await scans();
    const id = client.send("POST", pagePath, { match: "no-such-key:*", limit: 100 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    client.ws.send(JSON.stringify({ cancel: id }));
    await settle();
    expect(await scans()).toBe(before + 1);
    await client.next(id); // the cancelled page's answer, whatever it says

    const leaving = await socketOf({ cookie: viewer, origin: app.url });
    before = await scans();
    leaving.send("POST", pagePath, { match: "no-such-key:*", limit: 100 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    leaving.close();
    await settle();
    expect(await scans()).toBe(before + 1);

    const busy = await socketOf({ cookie: viewer, origin: app.url });
    const ids = Array.from({ length: LANE_IN_FLIGHT_LIMIT + 5 }, () => busy.send("POST", pagePath, { match: "no-such-key:*", limit: 100 }));
    const refused = await Promise.all(ids.slice(LANE_IN_FLIGHT_LIMIT).map((extra) => busy.next(extra)));
    expect(refused.map((answer) => answer.status)).toEqual(Array(5).fill(429));
    busy.close();
  });

  it("stops reading from a client that asks without reading the answers, and answers every request once it reads", async () => {
    const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${app.process.pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
    const greedy = await socketOf({ cookie: viewer, origin: app.url });
    greedy.ws.pause(); // reads nothing: the answers pile up in the kernel's buffers, then in the server's
    const before = rssMb();
    // Each answer holds 100,000 bytes of the value as base64 (about 133 KB).
    const asked = 3000;
    let sent = 0;
    const ids: number[] = [];
    while (sent < asked) {
      // A few at a time, as fast as a server reads them when nothing holds it back.
      for (let i = 0; i < 4 && sent < asked; i++, sent++) ids.push(greedy.send("POST", keyPath(), { key: b64("sock:big"), limit: 100_000 }));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const grown = rssMb() - before;
    // Everyone else is still answered while that client holds its socket.
    expect(await client.request("POST", keyPath(), { key: b64("sock:text") })).toMatchObject({ status: 200 });
    greedy.ws.resume();
    const answers = await Promise.all(ids.map((id) => greedy.next(id)));
    // Every request is answered: read, or refused for the limit of requests under way when the client sent
    // faster than the server read.
    expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 429)).toEqual([]);
    const read = answers.filter((answer) => answer.status === 200).length;
    expect(read).toBeGreaterThanOrEqual(10);
    // A server that read every request as it came answered about 1,400 of these 3,000 before the client read
    // again, and grew 230 MB while they waited; this one holds at most about 4 MiB of answers per socket.
    expect(grown, `the server grew ${grown.toFixed(0)} MB while ${read} answers waited`).toBeLessThan(40);
    expect(await greedy.request("POST", keyPath(), { key: b64("sock:text") })).toMatchObject({ status: 200 });
    greedy.close();
  });

  describe("in Chromium", () => {
    let browser: Browser;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      browser = await openBrowser();
      browser.page.on("pageerror", (error) => pageErrors.push(error.message));
      // Signed in as the viewer (the setup form is gone once a user exists): a session of its own, as its cookie.
      const own = await session(viewerId);
      await browser.context.addCookies([{ name: "cb_session", value: own.cookie.slice("cb_session=".length), url: app.url }]);
    });
    afterAll(async () => {
      await browser?.close();
    });

    const keyUrl = (key: string) => `${app.url}/c/${connectionId}?key=${keyToParam(Buffer.from(key))}`;
    const valueShown = (text: string) => browser.page.getByTestId("key-detail").getByText(text).first().waitFor();

    it("reads keys over the socket once it is open", async () => {
      const { page } = browser;
      const sent: string[] = [];
      const httpReads: string[] = [];
      page.on("websocket", (ws) => ws.on("framesent", (frame) => sent.push(String(frame.payload))));
      page.on("request", (request) => {
        if (request.url().endsWith("/key") && request.method() === "POST") httpReads.push(request.url());
      });
      const opened = page.waitForEvent("websocket", (ws) => ws.url().endsWith("/api/lane"));
      await page.goto(`${app.url}/c/${connectionId}?q=sock:*`);
      await opened;
      await page.locator(`[role=row][data-key="sock:text"]`).click();
      await valueShown("hello over the socket");
      await page.locator(`[role=row][data-key="sock:hash"]`).click();
      await valueShown("value-two");
      // The socket opens as the page loads; a read made before it is open goes over HTTP.
      const overSocket = sent.filter((text) => text.includes(b64("sock:hash")) || text.includes(b64("sock:text")));
      expect(overSocket.length).toBeGreaterThanOrEqual(1);
      expect(overSocket.some((text) => text.includes(b64("sock:hash")))).toBe(true);
      expect(httpReads.length).toBeLessThanOrEqual(1);
      await screenshot(page, "lane-socket-key-open");
      expect(pageErrors).toEqual([]);
    });

    it("reads over HTTP when the socket is refused, and sends again a read the socket lost", async () => {
      const { context } = browser;
      const page = await context.newPage();
      page.on("pageerror", (error) => pageErrors.push(error.message));
      // A proxy that does not pass WebSockets: the handshake fails.
      await page.routeWebSocket(/\/api\/lane$/, (ws) => ws.close({ code: 1011, reason: "no websockets here" }));
      await page.goto(keyUrl("sock:text"));
      await page.getByTestId("key-detail").getByText("hello over the socket").first().waitFor();

      // A socket that opens, carries the request to the server, and then dies before the answer comes back.
      const lossy = await context.newPage();
      lossy.on("pageerror", (error) => pageErrors.push(error.message));
      let dropped = 0;
      await lossy.routeWebSocket(/\/api\/lane$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((message) => {
          server.send(message);
          if (String(message).includes(b64("sock:hash"))) {
            dropped += 1;
            void ws.close({ code: 1006 });
          }
        });
        server.onMessage((message) => ws.send(message));
      });
      await lossy.goto(`${app.url}/c/${connectionId}?q=sock:*`);
      await lossy.waitForEvent("websocket");
      await lossy.locator(`[role=row][data-key="sock:text"]`).click();
      await lossy.getByTestId("key-detail").getByText("hello over the socket").first().waitFor();
      await lossy.locator(`[role=row][data-key="sock:hash"]`).click();
      await lossy.getByTestId("key-detail").getByText("value-two").first().waitFor();
      expect(dropped).toBe(1);
      await screenshot(lossy, "lane-socket-resent-over-http");
      await page.close();
      await lossy.close();
      expect(pageErrors).toEqual([]);
    });

    it("asks over HTTP when the socket's session has ended, and says the value shown is stale and why", async () => {
      const { context, page } = browser;
      const own = await session(viewerId);
      await context.addCookies([{ name: "cb_session", value: own.cookie.slice("cb_session=".length), url: app.url }]);
      const received: string[] = [];
      const httpReads: number[] = [];
      page.on("websocket", (ws) => ws.on("framereceived", (frame) => received.push(String(frame.payload))));
      page.on("response", (response) => {
        if (response.url().endsWith("/key") && response.request().method() === "POST") httpReads.push(response.status());
      });
      const opened = page.waitForEvent("websocket", (ws) => ws.url().endsWith("/api/lane"));
      await page.goto(`${app.url}/c/${connectionId}?q=sock:*`);
      await opened;
      await page.locator(`[role=row][data-key="sock:text"]`).click();
      await valueShown("hello over the socket");
      // The open value re-read every 2 s, over the socket; then the session ends elsewhere (a click would
      // navigate, and the page's own request would go to the sign-in form first).
      await page.getByLabel("Auto-refresh the value").selectOption("2");
      await app.db.session.delete({ where: { id: own.id } });
      await expect.poll(() => received.some((text) => text.startsWith('{"id":') && text.includes('"status":401')), { timeout: 20_000 }).toBe(true);
      await expect.poll(() => httpReads.includes(401), { timeout: 20_000 }).toBe(true);
      const notice = page.getByTestId("reread-failed");
      await notice.getByText("You are signed out").waitFor();
      await expect(notice.textContent()).resolves.toContain("Showing the value as last read");
      expect(await notice.getByRole("link", { name: "Sign in" }).getAttribute("href")).toMatch(/^\/login\?next=/);
      await expect(page.getByTestId("key-detail").textContent()).resolves.toContain("hello over the socket");
      await screenshot(page, "lane-socket-signed-out");
      await page.getByLabel("Auto-refresh the value").selectOption("0");
    });
  });
});
