/**
 * `npm ci` refuses a lock file that disagrees with package.json or that lacks an optional package some
 * platform needs ("Missing: @next/swc-darwin-arm64 from lock file"). This checks both without the network,
 * so a lock written on one machine that would break `npm ci` on a fresh clone fails here first.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

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
