/**
 * Every route handler and every server action refuses an anonymous request with 401 — but /api/health, the
 * one public route, which says only whether the database answers. Both lists come from
 * the code and from the build's action manifest (support/endpoints.ts), so a new handler or action is
 * covered without touching this file. authorization-sweep.test.ts does the same for every role.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "./support/app";
import { builtActions, callAction, callRoute, routeHandlers, serverActions } from "./support/endpoints";

describe("anonymous requests", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("get 401 from every route handler but the public health check", async () => {
    const handlers = routeHandlers();
    expect(handlers.length).toBeGreaterThan(0);
    expect(handlers.filter((h) => h.role === "public").map((h) => `${h.method} ${h.url}`)).toEqual(["GET /api/health"]);
    for (const handler of handlers) {
      const response = await callRoute(app.url, handler);
      expect({ handler: `${handler.method} ${handler.file}`, status: response.status }).toEqual({
        handler: `${handler.method} ${handler.file}`,
        status: handler.role === "public" ? 200 : 401,
      });
    }
  });

  it("learn only whether the database answers from the health check", async () => {
    const response = await fetch(`${app.url}/api/health`, { headers: { connection: "close" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("get 401 from every server action", async () => {
    const built = builtActions();
    const declared = serverActions();
    expect(declared.length).toBeGreaterThan(2);
    for (const { name, role } of declared) {
      const found = built.get(name);
      expect(found, `${name} is declared but no page uses it, so the build does not serve it`).toBeDefined();
      // Sign-in and first-admin creation are public by design; they answer with a validation error instead.
      if (role === "public") continue;
      const response = await callAction(app.url, found!);
      expect({ action: name, status: response.status }).toEqual({ action: name, status: 401 });
    }
  });

  it("are sent from pages to sign in", async () => {
    const response = await fetch(`${app.url}/`, { redirect: "manual" });
    expect([307, 308]).toContain(response.status);
    expect(response.headers.get("location")).toMatch(/\/(login|setup)$/);
  });
});
