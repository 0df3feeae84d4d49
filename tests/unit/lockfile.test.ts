/**
 * `npm ci` refuses a lock file that disagrees with package.json or that lacks an optional package some
 * platform needs ("Missing: @next/swc-darwin-arm64 from lock file"). This checks both without the network,
 * so a lock written on one machine that would break `npm ci` on a fresh clone fails here first: by reading
 * the lock, and by asking npm itself (`npm ci --dry-run --offline` on a copy of the two files, with an empty
 * cache, so npm can neither download nor touch this checkout's node_modules).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const root = path.resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as LockEntry;
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };

/** Where Node would find `name` when required from the package at `from`: nested first, then each parent. */
function resolves(from: string, name: string): boolean {
  let base = from;
  for (;;) {
    if (lock.packages[base ? `${base}/node_modules/${name}` : `node_modules/${name}`]) return true;
    if (!base) return false;
    const parent = base.lastIndexOf("/node_modules/");
    base = parent >= 0 ? base.slice(0, parent) : "";
  }
}

describe("package-lock.json", () => {
  it("records exactly the dependencies package.json declares", () => {
    const top = lock.packages[""];
    expect(top.dependencies ?? {}).toEqual(manifest.dependencies ?? {});
    expect(top.devDependencies ?? {}).toEqual(manifest.devDependencies ?? {});
  });

  it("lists every platform's optional packages, as npm ci requires", () => {
    const missing = new Set<string>();
    for (const [where, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolves(where, name)) missing.add(name);
      }
    }
    expect([...missing].sort()).toEqual([]);
  });
});

describe("npm ci --dry-run --offline", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** npm ci, dry and offline, on copies of package.json (possibly altered) and package-lock.json. */
  function dryCi(alter?: (manifest: Record<string, unknown>) => void) {
    const dir = mkdtempSync(path.join(tmpdir(), "cacheboard-lock-"));
    dirs.push(dir);
    const copy = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, unknown>;
    alter?.(copy);
    writeFileSync(path.join(dir, "package.json"), JSON.stringify(copy, null, 2));
    copyFileSync(path.join(root, "package-lock.json"), path.join(dir, "package-lock.json"));
    const result = spawnSync("npm", ["ci", "--dry-run", "--offline", "--no-audit", "--no-fund", "--cache", path.join(dir, "cache")], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, npm_config_update_notifier: "false" },
      timeout: 60_000,
    });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  }

  it("accepts the committed lock file, and every dependency's install scripts are decided in allowScripts", () => {
    const { status, output } = dryCi();
    expect(output.split("\n").filter((line) => /npm error/.test(line))).toEqual([]);
    expect(status).toBe(0);
    // npm blocks an undecided dependency's install scripts and says so on every install; a new dependency
    // with install scripts gets its entry (true or false) in package.json's allowScripts.
    expect(output).not.toMatch(/not yet covered by allowScripts/);
  });

  it("refuses a package.json the lock does not match (so the check above can fail)", () => {
    const { status } = dryCi((copy) => {
      (copy.dependencies as Record<string, string>).zod = "^3.0.0";
    });
    expect(status).not.toBe(0);
  });
});
