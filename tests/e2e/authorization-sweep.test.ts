/**
 * Every role against every route handler and every server action, both found in the code
 * (support/endpoints.ts): each gets exactly what lib/auth/roles.ts and the declared role allow. Below the
 * role: 403 from a handler, FORBIDDEN from an action. At or above it: never 401, 403 or FORBIDDEN (the
 * deliberately invalid input then gets a validation or not-found answer instead).
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleAllows, ROLES, type Role } from "@/lib/auth/roles";
import { startApp, type RunningApp } from "./support/app";
import { builtActions, callAction, callRoute, routeHandlers, serverActions } from "./support/endpoints";

type Caller = Role | "anonymous";
const CALLERS: Caller[] = ["anonymous", ...ROLES];

type Verdict = "unauthenticated" | "forbidden" | "allowed";

function expected(caller: Caller, needed: Role | "public"): Verdict {
  if (needed === "public") return "allowed";
  if (caller === "anonymous") return "unauthenticated";
  return roleAllows(caller, needed) ? "allowed" : "forbidden";
}

describe("authorization sweep", () => {
  let app: RunningApp;
  const users = new Map<Role, string>();

  beforeAll(async () => {
    app = await startApp();
    for (const role of ROLES) {
      const user = await app.db.user.create({ data: { email: `${role}@example.test`, passwordHash: "scrypt$unused", role } });
      users.set(role, user.id);
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** A fresh session per call: an action such as sign-out may end the one it was called with. */
  async function cookieFor(caller: Caller): Promise<string | undefined> {
    if (caller === "anonymous") return undefined;
    const token = randomBytes(32).toString("base64url");
    await app.db.session.create({
      data: { id: createHash("sha256").update(token).digest("hex"), userId: users.get(caller)!, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    return `cb_session=${token}`;
  }

  it("route handlers answer each role as its declared role says", async () => {
    const handlers = routeHandlers();
    expect(handlers.length).toBeGreaterThan(0);
    const seen: string[] = [];
    for (const handler of handlers) {
      expect(handler.role, `${handler.method} ${handler.file} is not defined by defineRoute`).toBeDefined();
      for (const caller of CALLERS) {
        const call = `${caller} → ${handler.method} ${handler.url} (${handler.role})`;
        const response = await callRoute(app.url, handler, await cookieFor(caller)).catch((error: unknown) => {
          throw new Error(`${call}: ${String(error)}`, { cause: error });
        });
        await response.arrayBuffer();
        const verdict: Verdict = response.status === 401 ? "unauthenticated" : response.status === 403 ? "forbidden" : "allowed";
        expect({ call, verdict, status: response.status < 500 }).toEqual({ call, verdict: expected(caller, handler.role!), status: true });
        seen.push(call);
      }
    }
    expect(seen).toHaveLength(handlers.length * CALLERS.length);
  });

  it("server actions answer each role as its declared role says", async () => {
    const built = builtActions();
    const declared = serverActions();
    expect(declared.length).toBeGreaterThan(2);
    let checks = 0;
    for (const { name, role } of declared) {
      expect(role, `${name} is defined by neither defineAction nor definePublicAction`).toBeDefined();
      const found = built.get(name);
      expect(found, `${name} is declared but no page uses it, so the build does not serve it`).toBeDefined();
      for (const caller of CALLERS) {
        const response = await callAction(app.url, found!, await cookieFor(caller));
        const body = await response.text();
        const verdict: Verdict =
          response.status === 401 ? "unauthenticated" : response.status === 403 || body.includes('"code":"FORBIDDEN"') ? "forbidden" : "allowed";
        const call = `${caller} → ${name} (${role})`;
        expect({ call, verdict, status: response.status < 500 }).toEqual({ call, verdict: expected(caller, role!), status: true });
        checks += 1;
      }
    }
    expect(checks).toBe(declared.length * CALLERS.length);
  });
});
