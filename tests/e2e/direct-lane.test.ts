/**
 * The direct lane (lib/server/direct-lane.ts) answers the key pane's, the key list's and the tree's requests
 * before Next.js. It must answer exactly as the route's Next.js handler does. Every request here is sent
 * twice to the same running app: with a Content-Length (the lane takes it, and says so in Server-Timing) and
 * with a chunked body (the lane leaves it to Next.js). Status, JSON, content headers and security headers must
 * match, for answers and refusals alike.
 */
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { gunzipSync } from "node:zlib";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../support/redis";
import { scanCalls, slowScanProfile, startApp, type RunningApp } from "./support/app";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** Bytes received, before any gunzip. */
  length: number;
  json: unknown;
  direct: boolean;
}

/** One request over a fresh socket; `chunked` streams the body without a length, which the lane leaves alone. */
function send(
  base: string,
  method: string,
  path: string,
  options: { body?: string; chunked?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { origin: base, "content-type": "application/json", ...options.headers };
    if (options.body !== undefined && !options.chunked) headers["content-length"] = String(Buffer.byteLength(options.body));
    const call = httpRequest({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const raw = Buffer.concat(chunks);
        const text = (response.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
        let json: unknown = text;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: compared as text
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, length: raw.length, json, direct: /lane;desc=direct/.test(String(response.headers["server-timing"] ?? "")) });
      });
      response.on("error", reject);
    });
    call.on("error", reject);
    if (options.body !== undefined && options.chunked) {
      // Two writes without a Content-Length: Node sends Transfer-Encoding: chunked.
      const half = Math.floor(options.body.length / 2);
      call.write(options.body.slice(0, half));
      call.end(options.body.slice(half));
    } else {
      call.end(options.body);
    }
  });
}

const COMPARED_HEADERS = ["content-type", "cache-control", "content-encoding", "x-frame-options", "x-content-type-options", "referrer-policy", "permissions-policy"];

/** The same request through the lane and through Next.js: both answers, after checking which took which. */
async function both(base: string, path: string, body: string, headers: Record<string, string> = {}): Promise<{ lane: Answer; next: Answer }> {
  const [lane, next] = await Promise.all([send(base, "POST", path, { body, headers }), send(base, "POST", path, { body, headers, chunked: true })]);
  expect(lane.direct, `the lane answers POST ${path}`).toBe(true);
  expect(next.direct, `Next.js answers the chunked POST ${path}`).toBe(false);
  expect(lane.status).toBe(next.status);
  // A key page says when it read the metadata (the server's clock): the two reads are apart by a few ms.
  const readAt = (answer: Answer) => (answer.json as { readAt?: unknown }).readAt;
  if (typeof readAt(lane) === "number") {
    expect(Math.abs(Number(readAt(lane)) - Number(readAt(next)))).toBeLessThan(60_000);
    expect({ ...(lane.json as object), readAt: 0 }).toEqual({ ...(next.json as object), readAt: 0 });
  } else {
    expect(lane.json).toEqual(next.json);
  }
  for (const name of COMPARED_HEADERS) expect(lane.headers[name], name).toEqual(next.headers[name]);
  // The lane declares its answer's length (gzipped or not) instead of chunking it.
  expect(lane.headers["transfer-encoding"]).toBeUndefined();
  expect(lane.headers["content-length"]).toBe(String(lane.length));
  return { lane, next };
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString("base64");

describe("the direct lane", () => {
  let app: RunningApp;
  let redis: RedisServer;
  let stopped: RedisServer;
  let raw: Redis;
  let connectionId: string;
  let downId: string;
  let viewer: string;
  let expired: string;
  const binaryKey = Buffer.from([0x6c, 0x61, 0x6e, 0x65, 0x3a, 0x00, 0xff, 0xfe, 0x0a]);

  async function session(userId: string, expiresAt: Date): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await app.db.session.create({ data: { id: createHash("sha256").update(token).digest("hex"), userId, expiresAt } });
    return `cb_session=${token}`;
  }

  beforeAll(async () => {
    [redis, stopped, app] = await Promise.all([startRedis(), startRedis(), startApp()]);
    raw = redis.raw();
    await raw.set("lane:text", "hello from the lane");
    await raw.set(binaryKey, Buffer.from([0x80, 0x04, 0x95, 0x00, 0xff]));
    await raw.set("lane:big", "x".repeat(100_000));
    await raw.rpush("lane:list", ...Array.from({ length: 300 }, (_, i) => `item ${i}`));
    await raw.hset("lane:hash", { a: "1", b: "2" });
    for (let i = 0; i < 50; i++) await raw.set(`lane:many:${i}`, String(i));
    const user = await app.db.user.create({ data: { email: "viewer@example.test", passwordHash: "scrypt$unused", role: "viewer" } });
    viewer = await session(user.id, new Date(Date.now() + 3_600_000));
    expired = await session(user.id, new Date(Date.now() - 1000));
    const profile = (port: number, name: string) =>
      app.db.connectionProfile.create({
        data: { name, kind: "redis", settings: JSON.stringify({ host: "127.0.0.1", port }), environment: "development", readOnly: false },
      });
    connectionId = (await profile(redis.port, "lane")).id;
    const down = await profile(stopped.port, "down");
    downId = down.id;
    await stopped.stop();
  });
  afterAll(async () => {
    raw?.disconnect();
    await Promise.all([app?.stop(), redis?.stop()]);
  });

  const keyPath = () => `/api/c/${encodeURIComponent(connectionId)}/key`;

  it("opens text, binary, missing and collection keys as Next.js does", async () => {
    const text = await both(app.url, keyPath(), JSON.stringify({ key: b64("lane:text") }), { cookie: viewer });
    expect(text.lane.status).toBe(200);
    expect(JSON.stringify(text.lane.json)).toContain(b64("hello from the lane"));
    const binary = await both(app.url, keyPath(), JSON.stringify({ key: b64(binaryKey) }), { cookie: viewer });
    expect(binary.lane.status).toBe(200);
    await both(app.url, keyPath(), JSON.stringify({ key: b64("lane:missing") }), { cookie: viewer });
    const list = await both(app.url, keyPath(), JSON.stringify({ key: b64("lane:list"), limit: 100 }), { cookie: viewer });
    expect(JSON.stringify(list.lane.json)).toContain(b64("item 99"));
    await both(app.url, keyPath(), JSON.stringify({ key: b64("lane:hash") }), { cookie: viewer });
  });

  it("gzips a large answer for a client that accepts it, and not for one that does not", async () => {
    const zipped = await both(app.url, keyPath(), JSON.stringify({ key: b64("lane:big"), limit: 100_000 }), { cookie: viewer, "accept-encoding": "gzip" });
    expect(zipped.lane.headers["content-encoding"]).toBe("gzip");
    expect(JSON.stringify(zipped.lane.json).length).toBeGreaterThan(100_000);
    const plain = await both(app.url, keyPath(), JSON.stringify({ key: b64("lane:big"), limit: 100_000 }), { cookie: viewer });
    expect(plain.lane.headers["content-encoding"]).toBeUndefined();
  });

  it("refuses as Next.js does: no session, an unknown or expired one, another origin, a bad body, an unknown connection", async () => {
    const body = JSON.stringify({ key: b64("lane:text") });
    expect((await both(app.url, keyPath(), body)).lane.status).toBe(401);
    expect((await both(app.url, keyPath(), body, { cookie: "cb_session=not-a-session" })).lane.status).toBe(401);
    expect((await both(app.url, keyPath(), body, { cookie: expired })).lane.status).toBe(401);
    expect((await both(app.url, keyPath(), body, { cookie: viewer, origin: "http://evil.example" })).lane.json).toMatchObject({ code: "CROSS_ORIGIN" });
    expect((await both(app.url, keyPath(), body, { cookie: viewer, "sec-fetch-site": "cross-site" })).lane.status).toBe(403);
    expect((await both(app.url, keyPath(), "{not json", { cookie: viewer })).lane.json).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect((await both(app.url, keyPath(), JSON.stringify({ key: 5 }), { cookie: viewer })).lane.status).toBe(400);
    expect((await both(app.url, keyPath(), JSON.stringify({ key: "not base64!" }), { cookie: viewer })).lane.status).toBe(400);
    expect((await both(app.url, "/api/c/no-such-connection/key", body, { cookie: viewer })).lane.status).toBe(404);
    // A percent-escaped id names the same connection in both.
    const escaped = `/api/c/${[...connectionId].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join("")}/key`;
    expect((await both(app.url, escaped, body, { cookie: viewer })).lane.status).toBe(200);
  });

  it("answers an unreachable cache with the same error", async () => {
    const { lane } = await both(app.url, `/api/c/${encodeURIComponent(downId)}/key`, JSON.stringify({ key: b64("lane:text") }), { cookie: viewer });
    expect(lane.status).toBeGreaterThanOrEqual(502);
    expect(lane.json).toMatchObject({ ok: false });
  });

  it("serves key list pages with the same rows", async () => {
    const path = `/api/c/${encodeURIComponent(connectionId)}/keys`;
    const { lane } = await both(app.url, path, JSON.stringify({ match: "lane:many:*", limit: 1000 }), { cookie: viewer });
    expect((lane.json as { rows: unknown[] }).rows).toHaveLength(50);
    await both(app.url, path, JSON.stringify({ prefix: b64("lane:"), limit: 10 }), { cookie: viewer });
    expect((await both(app.url, path, JSON.stringify({ limit: 5000 }), { cookie: viewer })).lane.status).toBe(400);
  });

  it("serves the namespace tree's poll, and leaves HEAD, a trailing slash and a form body to Next.js", async () => {
    const tree = `/api/c/${encodeURIComponent(connectionId)}/keys/tree`;
    const polled = await send(app.url, "GET", tree, { headers: { cookie: viewer } });
    expect(polled.direct).toBe(true);
    expect(polled.status).toBe(200);
    expect((await send(app.url, "GET", tree)).status).toBe(401);
    expect((await send(app.url, "HEAD", tree, { headers: { cookie: viewer } })).direct).toBe(false);
    expect((await send(app.url, "GET", `${tree}/`, { headers: { cookie: viewer } })).direct).toBe(false);
    const form = await send(app.url, "POST", keyPath(), { body: "key=x", headers: { cookie: viewer, "content-type": "application/x-www-form-urlencoded" } });
    expect(form.direct).toBe(false);
    expect(form.status).toBe(400);
    // The poll started the connection's tree scan (in the walks' thread, which it also starts): let it end, so
    // that no SCAN of it lands in a later test's count.
    for (;;) {
      const state = await send(app.url, "GET", `${tree}?wait=2000`, { headers: { cookie: viewer } });
      if ((state.json as { scan: unknown }).scan === null) break;
    }
  });

  it("stops a key list page's walk when its client goes away", async () => {
    // One SCAN of 10 keys, then a pause of 1.5 s before the next: the client leaves during the pause.
    const pacedId = await slowScanProfile(app, redis.port);
    const scans = () => scanCalls(raw);
    const before = await scans();
    const url = new URL(app.url);
    const body = JSON.stringify({ match: "no-such-key:*", limit: 100 });
    await new Promise<void>((resolve, reject) => {
      const call = httpRequest({
        host: url.hostname,
        port: url.port,
        method: "POST",
        path: `/api/c/${encodeURIComponent(pacedId)}/keys`,
        headers: { origin: app.url, cookie: viewer, "content-type": "application/json", "content-length": String(body.length) },
        agent: false,
      });
      call.on("error", () => resolve());
      call.end(body, () => setTimeout(() => (call.destroy(), resolve()), 300));
      call.on("response", () => reject(new Error("the page answered before its pause was over")));
    });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await scans()).toBe(before + 1);
  });

  it("survives a client that goes away halfway through its body", async () => {
    await new Promise<void>((resolve, reject) => {
      const url = new URL(app.url);
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST ${keyPath()} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 400\r\nCookie: ${viewer}\r\n\r\n{"key":"`,
          () => {
            socket.destroy();
            resolve();
          },
        );
      });
      socket.on("error", reject);
    });
    const after = await send(app.url, "POST", keyPath(), { body: JSON.stringify({ key: b64("lane:text") }), headers: { cookie: viewer } });
    expect(after.status).toBe(200);
    expect(after.direct).toBe(true);
  });
});
