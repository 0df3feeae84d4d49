/**
 * The action wrapper against a real SQLite database: Next.js's request APIs (cookies, headers) are the only
 * thing replaced, with a request carrying a real session cookie.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { applyMigrations } from "@/lib/db-migrate";
import { removeDir, tempDir } from "../support/process";
import { testRequest } from "../support/next-request";

const request = testRequest;
request.headers = { "x-forwarded-for": "203.0.113.9", "user-agent": "vitest" };
vi.mock("next/headers", async () => (await import("../support/next-request")).nextHeaders);

const dir = tempDir("wrapper");
process.env.DATABASE_URL = `file:${path.join(dir, "cb.db")}`;
process.env.CACHEBOARD_SECRET_KEY = "22".repeat(32);
// What next.config.ts's experimental.authInterrupts turns on inside a built app.
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const { db } = await import("@/lib/db");
const { defineAction } = await import("@/lib/actions/define-action");
const { DriverError } = await import("@/lib/drivers/errors");

async function signedInAs(role: string): Promise<void> {
  const user = await db().user.create({ data: { email: `${role}-${Date.now()}@example.test`, passwordHash: "x", role } });
  const token = `token-${role}-${Math.random()}`;
  await db().session.create({
    data: { id: createHash("sha256").update(token).digest("hex"), userId: user.id, expiresAt: new Date(Date.now() + 60_000) },
  });
  request.cookie = token;
}

const failing = defineAction({
  name: "test.fail",
  input: z.object({ connectionId: z.string() }),
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async (_input, ctx) => {
    ctx.audit.targetKey = Buffer.from([0xff, 0x00]);
    throw new DriverError("TIMEOUT", "The server did not answer within 5000 ms");
  },
});

describe("defineAction", () => {
  let writable = "";
  let readOnly = "";
  beforeAll(async () => {
    await applyMigrations({ url: process.env.DATABASE_URL, root: path.resolve(import.meta.dirname, "../..") });
    writable = (await db().connectionProfile.create({ data: { name: "rw", kind: "redis", settings: "{}" } })).id;
    readOnly = (await db().connectionProfile.create({ data: { name: "ro", kind: "redis", settings: "{}", readOnly: true } })).id;
  });
  afterAll(async () => {
    await db().$disconnect();
    removeDir(dir);
  });

  it("answers 401 without a session", async () => {
    request.cookie = "";
    await expect(failing({ connectionId: writable })).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;401" });
  });

  it("refuses a role that is too low, and records the refusal", async () => {
    await signedInAs("viewer");
    expect(await failing({ connectionId: writable })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const entry = await db().auditEntry.findFirstOrThrow({ orderBy: { id: "desc" } });
    // X-Forwarded-For is the client's say-so, and this request came through no HTTP server: the address is
    // unknown rather than made up (sign-in.test.ts records real socket addresses).
    expect(entry).toMatchObject({ action: "test.fail", outcome: "denied", errorCode: "FORBIDDEN", clientAddress: null });
  });

  it("refuses writes on a read-only connection before running anything", async () => {
    await signedInAs("editor");
    expect(await failing({ connectionId: readOnly })).toMatchObject({ ok: false, code: "READ_ONLY" });
    const entry = await db().auditEntry.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(entry).toMatchObject({ outcome: "denied", errorCode: "READ_ONLY", connectionName: "ro", targetKey: null });
  });

  it("returns driver errors as results and audits the failed operation", async () => {
    await signedInAs("editor");
    expect(await failing({ connectionId: writable })).toEqual({
      ok: false,
      code: "TIMEOUT",
      message: "The server did not answer within 5000 ms",
    });
    const entry = await db().auditEntry.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(entry).toMatchObject({ outcome: "error", errorCode: "TIMEOUT", connectionName: "rw" });
    expect(Buffer.from(entry.targetKey!)).toEqual(Buffer.from([0xff, 0x00]));
  });

  it("rejects invalid input with field errors", async () => {
    await signedInAs("editor");
    const result = await failing({ connectionId: 42 } as unknown as { connectionId: string });
    expect(result).toMatchObject({ ok: false, code: "INVALID_ARGUMENT" });
    expect(result.ok ? {} : result.fieldErrors).toHaveProperty("connectionId");
  });

  it("bounds a TTL the same way in every action that takes one (ttlMsSchema: at most 10 years)", async () => {
    await signedInAs("editor");
    const { MAX_TTL_MS } = await import("@/lib/ttl");
    const { setTtl } = await import("@/lib/actions/keys/set-ttl");
    const { createKey } = await import("@/lib/actions/keys/create-key");
    const { expireNamespace } = await import("@/lib/actions/namespaces/expire-namespace");
    const key = Buffer.from("k").toString("base64");
    for (const ttlMs of [MAX_TTL_MS + 1, Number.MAX_SAFE_INTEGER, 0, 1.5]) {
      const results = [
        await setTtl({ connectionId: writable, key, ttlMs }),
        await createKey({ connectionId: writable, key, content: { type: "string", value: key }, ttlMs }),
        await expireNamespace({ connectionId: writable, prefix: key, ttlMs }),
      ];
      for (const result of results) {
        expect(result, String(ttlMs)).toMatchObject({ ok: false, code: "INVALID_ARGUMENT" });
        expect(result.ok ? {} : result.fieldErrors, String(ttlMs)).toHaveProperty("ttlMs");
      }
    }
  });
});
