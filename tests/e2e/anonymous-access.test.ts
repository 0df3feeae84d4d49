/**
 * Every route handler and every server action refuses an anonymous request with 401. Both lists come from
 * the code (app/**\/route.ts, and the "use server" files under lib/actions) and from the build's action
 * manifest, so a new handler or action is covered without touching this file.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "./support/app";

const root = path.resolve(import.meta.dirname, "../..");
/** Reachable without a session by design; they answer with a validation error instead. */
const PUBLIC_ACTIONS = new Set(["lib/actions/auth/sign-in.ts#signIn", "lib/actions/auth/create-first-admin.ts#createFirstAdminAccount"]);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

function routeHandlers(): { file: string; url: string; method: string }[] {
  return walk(path.join(root, "app"))
    .filter((file) => /\/route\.tsx?$/.test(file))
    .flatMap((file) => {
      const relative = path.relative(path.join(root, "app"), path.dirname(file));
      const url =
        "/" +
        relative
          .split(path.sep)
          .filter((segment) => !/^\(.*\)$/.test(segment))
          .map((segment) => (segment.startsWith("[") ? "x" : segment))
          .join("/");
      const source = readFileSync(file, "utf8");
      const methods = [...source.matchAll(/export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
      return methods.map((method) => ({ file: path.relative(root, file), url, method }));
    });
}

function serverActions(): string[] {
  return walk(path.join(root, "lib/actions"))
    .filter((file) => file.endsWith(".ts") && /^\s*["']use server["']/.test(readFileSync(file, "utf8")))
    .flatMap((file) => {
      const source = readFileSync(file, "utf8");
      return [...source.matchAll(/export\s+(?:const|async\s+function)\s+(\w+)/g)].map((m) => `${path.relative(root, file)}#${m[1]}`);
    });
}

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

describe("anonymous requests", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("get 401 from every route handler", async () => {
    const handlers = routeHandlers();
    expect(handlers.length).toBeGreaterThan(0);
    for (const handler of handlers) {
      const response = await fetch(`${app.url}${handler.url}`, {
        method: handler.method,
        headers: { "content-type": "application/json" },
        body: handler.method === "GET" ? undefined : "{}",
      });
      expect({ handler: `${handler.method} ${handler.file}`, status: response.status }).toEqual({
        handler: `${handler.method} ${handler.file}`,
        status: 401,
      });
    }
  });

  it("get 401 from every server action", async () => {
    const manifest = JSON.parse(readFileSync(path.join(root, process.env.CACHEBOARD_DIST_DIR || ".next", "server/server-reference-manifest.json"), "utf8")) as {
      node: Record<string, ManifestEntry>;
    };
    const built = new Map(Object.entries(manifest.node).map(([id, entry]) => [`${entry.filename}#${entry.exportedName}`, { id, entry }]));
    const declared = serverActions();
    expect(declared.length).toBeGreaterThan(2);
    for (const name of declared) {
      const found = built.get(name);
      expect(found, `${name} is declared but no page uses it, so the build does not serve it`).toBeDefined();
      if (PUBLIC_ACTIONS.has(name)) continue;
      const worker = Object.keys(found!.entry.workers)[0]!;
      const pagePath =
        "/" +
        worker
          .replace(/^app\//, "")
          .replace(/\/?page$/, "")
          .split("/")
          .filter((segment) => segment && !/^\(.*\)$/.test(segment))
          .map((segment) => (segment.startsWith("[") ? "x" : segment))
          .join("/");
      const response = await fetch(`${app.url}${pagePath}`, {
        method: "POST",
        headers: { "next-action": found!.id, "content-type": "text/plain;charset=UTF-8", origin: app.url, accept: "text/x-component" },
        body: JSON.stringify([{ connectionId: "x" }]),
      });
      expect({ action: name, status: response.status }).toEqual({ action: name, status: 401 });
    }
  });

  it("are sent from pages to sign in", async () => {
    const response = await fetch(`${app.url}/`, { redirect: "manual" });
    expect([307, 308]).toContain(response.status);
    expect(response.headers.get("location")).toMatch(/\/(login|setup)$/);
  });
});
