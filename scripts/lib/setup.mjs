// Shared by `npm start`, `npm test` and the e2e harness: install what is missing, generate the Prisma
// clients, and build the app when its sources are newer than the last build. Node built-ins only, because
// this runs before dependencies exist.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", ...options, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...options.env } });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed with exit code ${result.status ?? result.signal}`);
  }
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestIn(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "generated" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(full) : mtime(full));
  }
  return newest;
}

export function ensureDependencies() {
  const installed = path.join(root, "node_modules/.package-lock.json");
  // A fresh tree installs exactly the committed lock (`npm ci`), so nothing rewrites package-lock.json;
  // tests/unit/lockfile.test.ts keeps the lock complete enough for ci on every platform.
  if (!existsSync(installed)) {
    console.log("Installing dependencies (npm ci)…");
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  } else if (mtime(path.join(root, "package-lock.json")) > mtime(installed)) {
    console.log("Dependencies changed: npm install…");
    run("npm", ["install", "--no-audit", "--no-fund"]);
  }
  execFileSync(process.execPath, [path.join(root, "scripts/prisma-generate.mjs")], { cwd: root, stdio: "inherit" });
}

/**
 * V8's old-generation limit for the server, in MB. Left alone, V8 lets the heap grow far past what the server
 * keeps alive before a full collection: under 50 clients the resident size went from 230 to 460 MB with about
 * 70 MB live; with this limit it stayed under 300 MB, collecting every few seconds (2% of the time). Large
 * values travel as Buffers, which live outside this heap. NODE_OPTIONS=--max-old-space-size=N overrides it.
 */
const SERVER_HEAP_MB = 512;

/**
 * V8's young generation, in MB per semi-space (Node's default is 16): requests leave mostly short-lived garbage,
 * and a smaller nursery is collected more often but each time as fast, while holding less memory. Measured with
 * the glibc setting below, after a tree scan, 60 pages of 1000 rows and 300 key opens on 100k keys: idle
 * resident 249 → 225 MB, peak 299 → 260 MB (16 → 8). At 1M keys, 8 → 4, two runs each of a cold tree, 1000 key
 * opens and Chromium scrolling 100k rows: peak 299–304 → 275–290 MB, key open p99 (server) 5.1–5.7 → 3.7–4.7
 * ms; under 50 clients, 276–339 → 222–252 req/s (still well above what the issue asks) with peak 297–301 →
 * 259–267 MB. NODE_OPTIONS=--max-semi-space-size=N overrides it.
 */
const SERVER_SEMI_SPACE_MB = 4;

/**
 * Garbage collection on the thread that allocated, without V8's helper threads. The namespace tree's walks run
 * in a thread of their own at the lowest CPU priority (lib/server/keys/tree-walker.ts), but V8's helper threads
 * are shared by the whole process at its normal priority: during 1M-key walks they did more work (1.8 s of CPU
 * in a bench run) than the main thread (1.5 s), collecting the walks' garbage on the cores Redis and its clients
 * use. With this flag that work stays on the walk's own low-priority thread; the main thread collects its own
 * young generation (8 MB, below) in the same short pauses. Measured with `npm run bench -- tree --scale 1m`:
 * GET p99 beside production-pace walks, 50 clients, 2.71–2.94× → 1.86×; 4 clients 1.09–1.23× → 1.00×.
 */
const SERVER_GC = "--single-threaded-gc";

/**
 * How the server process is started: `npm start`, and the e2e tests and benchmarks that measure it as shipped.
 * Two malloc arenas instead of one per thread: about 15 MB less resident memory for an idle server, at no
 * measurable cost for a single Node process. A fixed mmap threshold of 128 KiB: glibc otherwise raises it after
 * a large block is freed (value pages, response buffers), keeps later large blocks in the heap and trims the
 * heap only past twice that threshold, so memory a big request used stays resident. Explicit values win.
 */
export function serverCommand({ port, host, env = process.env }) {
  const options = env.NODE_OPTIONS ?? "";
  const heap = /--max-old-space-size/.test(options) ? [] : [`--max-old-space-size=${SERVER_HEAP_MB}`];
  const nursery = /--max-semi-space-size/.test(options) ? [] : [`--max-semi-space-size=${SERVER_SEMI_SPACE_MB}`];
  return {
    command: process.execPath,
    args: [...heap, ...nursery, SERVER_GC, path.join(root, "scripts/serve.mjs"), "--port", String(port), "--hostname", host],
    env: { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072", ...env },
  };
}

export function distDir() {
  return process.env.CACHEBOARD_DIST_DIR || ".next";
}

/** Builds into the dist folder (.next, or CACHEBOARD_DIST_DIR) unless the build there is newer than every source file. */
export function ensureBuild({ force = false } = {}) {
  const buildId = path.join(root, distDir(), "BUILD_ID");
  const sources = Math.max(
    ...["app", "components", "lib", "prisma"].map((dir) => newestIn(path.join(root, dir))),
    ...["next.config.ts", "proxy.ts", "instrumentation.ts", "package-lock.json", "postcss.config.mjs", "tsconfig.json"].map((f) => mtime(path.join(root, f))),
  );
  if (!force && mtime(buildId) > sources) return false;
  console.log("Building the app (next build)…");
  run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"]);
  return true;
}

export function migrate(env = {}) {
  const out = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts/migrate.ts")], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (out.status !== 0) throw new Error("Applying database migrations failed (see above).");
  const lines = out.stdout.trim().split("\n");
  const summary = JSON.parse(lines.pop() ?? "{}");
  for (const line of lines) console.log(line);
  return summary;
}
