/**
 * Sign-in and first-admin creation against a real SQLite database, called through a real HTTP server on
 * loopback: each request runs the action with that request's headers (Next.js's request APIs are the only
 * thing replaced), and clients connect from different loopback addresses (127.0.0.2, 127.0.0.3 …) so the
 * socket address, not a header, tells them apart.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync, statSync } from "node:fs";
import { request as httpRequest, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";

interface Exchange {
  headers: Headers;
  setCookies: string[];
}
const current = new AsyncLocalStorage<Exchange>();
vi.mock("next/headers", () => ({
  headers: async () => current.getStore()!.headers,
  cookies: async () => ({
    get: () => undefined,
    set: (name: string) => current.getStore()!.setCookies.push(name),
    delete: () => undefined,
  }),
}));

const dir = tempDir("sign-in");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "33".repeat(32);
delete process.env.CACHEBOARD_TRUSTED_PROXIES;

const { db } = await import("@/lib/db");
const { hashPassword } = await import("@/lib/auth/password");
const { signIn } = await import("@/lib/actions/auth/sign-in");
const { createFirstAdminAccount } = await import("@/lib/actions/auth/create-first-admin");
const { recordRequestOrigins } = await import("@/lib/auth/request-origin");
const { pruneThrottle } = await import("@/lib/auth/throttle");
const { setupTokenPath, ensureSetupToken } = await import("@/lib/auth/setup-token");

type Outcome = { ok: true; redirect: string } | { ok: false; code: string; message: string };
const actions: Record<string, (input: never) => Promise<unknown>> = { signIn, createFirstAdminAccount };

let server: Server;
let port = 0;

/** POSTs `{ action, input }` to the test server from `from` (a loopback address), with extra headers. */
function call(action: string, input: Record<string, unknown>, options: { from?: string; headers?: Record<string, string> } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ action, input });
    const req = httpRequest(
      { host: "127.0.0.1", port, method: "POST", path: "/", localAddress: options.from ?? "127.0.0.2", agent: false, headers: { "content-type": "application/json", ...options.headers } },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text) as Outcome) : reject(new Error(`HTTP ${res.statusCode}: ${text}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const admin = { email: "ada@example.test", password: "correct horse battery" };

beforeAll(async () => {
  await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
  recordRequestOrigins();
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", async () => {
      const { action, input } = JSON.parse(text) as { action: string; input: never };
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      try {
        const result = await current.run({ headers, setCookies: [] }, () => actions[action]!(input));
        res.end(JSON.stringify(result));
      } catch (error) {
        const digest = String((error as { digest?: unknown }).digest ?? "");
        if (!digest.startsWith("NEXT_REDIRECT")) {
          res.statusCode = 500;
          res.end(String(error));
          return;
        }
        res.end(JSON.stringify({ ok: true, redirect: digest.split(";")[2] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db().$disconnect();
  removeDir(dir);
});

describe("first admin creation", () => {
  beforeEach(async () => {
    await db().user.deleteMany();
    delete process.env.CACHEBOARD_TRUSTED_PROXIES;
  });
  const form = { email: admin.email, name: "Ada", password: admin.password, confirm: admin.password };

  it("needs no token from the server's own machine", async () => {
    expect(await call("createFirstAdminAccount", form)).toEqual({ ok: true, redirect: "/" });
    expect(await db().user.count()).toBe(1);
  });

  it("needs the one-time setup token from anywhere else, kept 0600 beside the database", async () => {
    // A proxy on this machine forwards a remote visitor: the visitor's address is what counts.
    process.env.CACHEBOARD_TRUSTED_PROXIES = "127.0.0.0/8";
    const remote = { headers: { "x-forwarded-for": "198.51.100.7" } };
    const token = ensureSetupToken();
    expect(setupTokenPath()).toBe(path.join(dir, "setup-token"));
    expect(statSync(setupTokenPath()).mode & 0o777).toBe(0o600);

    expect(await call("createFirstAdminAccount", form, remote)).toMatchObject({ ok: false, code: "SETUP_TOKEN" });
    expect(await call("createFirstAdminAccount", { ...form, setupToken: "guessed" }, remote)).toMatchObject({ ok: false, code: "SETUP_TOKEN" });
    expect(await db().user.count()).toBe(0);
    const refused = await db().auditEntry.findFirstOrThrow({ where: { action: "users.create-first-admin" }, orderBy: { id: "desc" } });
    expect(refused).toMatchObject({ outcome: "denied", clientAddress: "198.51.100.7" });

    expect(await call("createFirstAdminAccount", { ...form, setupToken: ` ${token}\n` }, remote)).toEqual({ ok: true, redirect: "/" });
    expect(await db().user.count()).toBe(1);
    // One-time: it is gone once the admin exists.
    expect(existsSync(setupTokenPath())).toBe(false);
  });

  it("does not believe a remote client that puts a loopback address in X-Forwarded-For itself", async () => {
    process.env.CACHEBOARD_TRUSTED_PROXIES = "127.0.0.0/8";
    ensureSetupToken();
    const spoofed = await call("createFirstAdminAccount", form, { headers: { "x-forwarded-for": "127.0.0.1, 198.51.100.7" } });
    expect(spoofed).toMatchObject({ ok: false, code: "SETUP_TOKEN" });
  });
});

describe("sign-in", () => {
  beforeAll(async () => {
    await db().user.deleteMany();
    await db().user.create({ data: { email: admin.email, passwordHash: await hashPassword(admin.password), role: "admin" } });
  });
  beforeEach(async () => {
    delete process.env.CACHEBOARD_TRUSTED_PROXIES;
    await db().loginThrottle.deleteMany();
  });

  it("returns only to a same-site path given exactly", async () => {
    const to = async (next: string) => {
      const outcome = await call("signIn", { email: admin.email, password: admin.password, next }, { from: "127.0.0.9" });
      return outcome.ok ? outcome.redirect : outcome.code;
    };
    expect(await to("/c/abc?q=user%3A*&key=dXNlcjox")).toBe("/c/abc?q=user%3A*&key=dXNlcjox");
    // Browsers drop tabs and newlines from URLs: "/\t/evil.example" would become "//evil.example".
    expect(await to("/\t/evil.example/path")).toBe("/");
    expect(await to("/\n/evil.example/path")).toBe("/");
    expect(await to("/x\r\nSet-Cookie: a=b")).toBe("/");
    expect(await to("//evil.example")).toBe("/");
    expect(await to("/\\evil.example")).toBe("/");
    expect(await to("https://evil.example/")).toBe("/");
    expect(await to("/a/../b")).toBe("/");
    expect(await to("javascript:alert(1)")).toBe("/");
  });

  it("keys the limit on the socket address, not on X-Forwarded-For a client sets", async () => {
    const outcome = await call("signIn", { email: admin.email, password: "wrong password" }, { from: "127.0.0.4", headers: { "x-forwarded-for": "203.0.113.5" } });
    expect(outcome).toMatchObject({ ok: false, code: "AUTH_FAILED" });
    const entry = await db().auditEntry.findFirstOrThrow({ where: { action: "auth.sign-in" }, orderBy: { id: "desc" } });
    expect(entry.clientAddress).toBe("127.0.0.4");
    expect(await db().loginThrottle.findUnique({ where: { key: `account:${admin.email}|address:127.0.0.4` } })).toMatchObject({ failures: 1 });

    // Behind a configured proxy, the address it forwards is used (read from the right).
    process.env.CACHEBOARD_TRUSTED_PROXIES = "127.0.0.4";
    await call("signIn", { email: admin.email, password: "wrong password" }, { from: "127.0.0.4", headers: { "x-forwarded-for": "192.0.2.1, 203.0.113.5" } });
    const proxied = await db().auditEntry.findFirstOrThrow({ where: { action: "auth.sign-in" }, orderBy: { id: "desc" } });
    expect(proxied.clientAddress).toBe("203.0.113.5");
  });

  it("checks no more passwords than allowed when 40 wrong ones arrive at once", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call("signIn", { email: admin.email, password: `wrong ${i}` }, { from: "127.0.0.5" })),
    );
    const codes = outcomes.map((outcome) => (outcome.ok ? "OK" : outcome.code));
    expect(codes.filter((code) => code === "AUTH_FAILED")).toHaveLength(5);
    expect(codes.filter((code) => code === "RATE_LIMITED")).toHaveLength(35);
  });

  it("lets one attempt through, not a burst, when one attempt is left", async () => {
    for (let i = 0; i < 4; i += 1) await call("signIn", { email: admin.email, password: `wrong ${i}` }, { from: "127.0.0.6" });
    const sessionsBefore = await db().session.count();
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call("signIn", { email: admin.email, password: i === 15 ? admin.password : `wrong again ${i}` }, { from: "127.0.0.6" }),
      ),
    );
    const checked = burst.filter((outcome) => outcome.ok || outcome.code === "AUTH_FAILED");
    expect(checked).toHaveLength(1);
    expect((await db().session.count()) - sessionsBefore).toBeLessThanOrEqual(1);
  });

  it("locks the (account, address) pair, never the account's owner elsewhere, and backs off", async () => {
    for (let i = 0; i < 5; i += 1) {
      expect(await call("signIn", { email: admin.email, password: `wrong ${i}` }, { from: "127.0.0.7" })).toMatchObject({ code: "AUTH_FAILED" });
    }
    expect(await call("signIn", { email: admin.email, password: admin.password }, { from: "127.0.0.7" })).toMatchObject({ code: "RATE_LIMITED" });
    // The owner, from their own machine, signs in although someone else is guessing.
    expect(await call("signIn", { email: admin.email, password: admin.password }, { from: "127.0.0.8" })).toEqual({ ok: true, redirect: "/" });

    const key = `account:${admin.email}|address:127.0.0.7`;
    const first = await db().loginThrottle.findUniqueOrThrow({ where: { key } });
    expect(first.lockedUntil!.getTime() - first.lastAttemptAt.getTime()).toBe(60_000);
    // The lock runs out (moved into the past rather than waited for); one more wrong guess locks twice as long.
    await db().loginThrottle.update({ where: { key }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect(await call("signIn", { email: admin.email, password: "wrong 6" }, { from: "127.0.0.7" })).toMatchObject({ code: "AUTH_FAILED" });
    const second = await db().loginThrottle.findUniqueOrThrow({ where: { key } });
    expect(second.lockedUntil!.getTime() - second.lastAttemptAt.getTime()).toBe(120_000);
    expect(await call("signIn", { email: admin.email, password: admin.password }, { from: "127.0.0.7" })).toMatchObject({ code: "RATE_LIMITED" });

    // After a success the pair starts afresh.
    await db().loginThrottle.update({ where: { key }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect(await call("signIn", { email: admin.email, password: admin.password }, { from: "127.0.0.7" })).toEqual({ ok: true, redirect: "/" });
    expect(await db().loginThrottle.findUnique({ where: { key } })).toBeNull();
  });

  it("forgets counters untouched for a day", async () => {
    const old = new Date(Date.now() - 25 * 60 * 60_000);
    await db().loginThrottle.create({ data: { key: "address:192.0.2.50", failures: 3, lastAttemptAt: old } });
    await db().loginThrottle.create({ data: { key: "address:192.0.2.51", failures: 3 } });
    expect(await pruneThrottle()).toBe(1);
    expect((await db().loginThrottle.findMany()).map((row) => row.key)).toEqual(["address:192.0.2.51"]);
  });
});
