/**
 * Every route handler (app/**\/route.ts) and every server action (the "use server" files under lib/actions),
 * found in the code with the role each declares, and where the build serves each action. The access tests
 * go through these lists, so a new handler or action is covered without touching them.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/auth/roles";

/** The role a declared permission maps onto; undefined for a name the permission table does not have. */
function roleOf(permission: string | undefined): Role | undefined {
  return permission && permission in PERMISSIONS ? PERMISSIONS[permission as Permission] : undefined;
}

const root = path.resolve(import.meta.dirname, "../../..");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

/** The URL segments of an app folder, without route groups and with "x" for every dynamic segment. */
function urlOf(segments: string[]): string {
  return "/" + segments.filter((segment) => segment && !/^\(.*\)$/.test(segment)).map((segment) => (segment.startsWith("[") ? "x" : segment)).join("/");
}

export interface RouteHandler {
  file: string;
  url: string;
  method: string;
  /** The role the permission given to defineRoute (or defineDirectRoute) maps onto, "public" for definePublicRoute; undefined when neither is found. */
  role: Role | "public" | undefined;
}

export function routeHandlers(): RouteHandler[] {
  return walk(path.join(root, "app"))
    .filter((file) => /\/route\.tsx?$/.test(file))
    .flatMap((file) => {
      const url = urlOf(path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep));
      const source = readFileSync(file, "utf8");
      const pattern = /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b(\s*=\s*(?:define(?:Direct)?Route\(\{\s*permission:\s*"([\w.]+)"|(definePublicRoute)\())?/g;
      return [...source.matchAll(pattern)].map((m) => ({
        file: path.relative(root, file),
        url,
        method: m[1]!,
        role: m[4] ? ("public" as const) : roleOf(m[3]),
      }));
    });
}

export interface ServerAction {
  /** `<file>#<export>`, as the build's action manifest names it. */
  name: string;
  /** The role defineAction's permission maps onto, "public" for definePublicAction, undefined when neither is found. */
  role: Role | "public" | undefined;
}

export function serverActions(): ServerAction[] {
  return walk(path.join(root, "lib/actions"))
    .filter((file) => file.endsWith(".ts") && /^\s*["']use server["']/.test(readFileSync(file, "utf8")))
    .flatMap((file) => {
      const source = readFileSync(file, "utf8");
      const exports = [...source.matchAll(/export\s+(?:const|async\s+function)\s+(\w+)/g)];
      return exports.map((m, i) => {
        const body = source.slice(m.index, exports[i + 1]?.index ?? source.length);
        const role = /^export\s+const\s+\w+\s*=\s*definePublicAction\(/.test(body) ? "public" : roleOf(/\bpermission:\s*"([\w.]+)"/.exec(body)?.[1]);
        return { name: `${path.relative(root, file)}#${m[1]}`, role };
      });
    });
}

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

/** The build's id for each action and a page that serves it, keyed like ServerAction.name. */
export function builtActions(): Map<string, { id: string; pagePath: string }> {
  const manifest = JSON.parse(readFileSync(path.join(root, process.env.CACHEBOARD_DIST_DIR || ".next", "server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, ManifestEntry>;
  };
  return new Map(
    Object.entries(manifest.node).map(([id, entry]) => {
      const worker = Object.keys(entry.workers)[0]!;
      const pagePath = urlOf(worker.replace(/^app\//, "").replace(/\/?page$/, "").split("/"));
      return [`${entry.filename}#${entry.exportedName}`, { id, pagePath }];
    }),
  );
}

/**
 * A connection per call: on a loaded machine, reusing a kept-alive socket races the server closing it
 * ("other side closed"), which says nothing about access.
 */
const FRESH_CONNECTION = { connection: "close" };

/** Calls a server action the way the browser does; `{ connectionId: "x" }` is invalid input for every one. */
export function callAction(baseUrl: string, action: { id: string; pagePath: string }, cookie?: string): Promise<Response> {
  return fetch(`${baseUrl}${action.pagePath}`, {
    method: "POST",
    headers: {
      "next-action": action.id,
      "content-type": "text/plain;charset=UTF-8",
      origin: baseUrl,
      accept: "text/x-component",
      ...FRESH_CONNECTION,
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify([{ connectionId: "x" }]),
  });
}

export function callRoute(baseUrl: string, handler: RouteHandler, cookie?: string): Promise<Response> {
  return fetch(`${baseUrl}${handler.url}`, {
    method: handler.method,
    headers: { "content-type": "application/json", origin: baseUrl, ...FRESH_CONNECTION, ...(cookie ? { cookie } : {}) },
    body: handler.method === "GET" ? undefined : "{}",
    redirect: "manual",
  });
}
