/**
 * The README's pictures are the e2e suite's screenshots: scripts/readme-pictures.mjs copies each from
 * test-results/screenshots under a stable name. This holds the three ends together without running a browser:
 * every picture the README shows is in docs/pictures and in the script's list, and every screenshot the list
 * names is taken by the e2e test file its comment names, so a renamed screenshot or test fails here first.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const script = readFileSync(path.join(root, "scripts/readme-pictures.mjs"), "utf8");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

/** picture → [screenshot name, e2e test file], from the PICTURES table's lines. */
const listed = new Map(
  [...script.matchAll(/^\s*"([\w-]+\.png)": "([\w-]+)\.png", \/\/ (tests\/e2e\/[\w.-]+\.ts)$/gm)].map((m) => [m[1], [m[2], m[3]] as const]),
);
const shown = new Set([...readme.matchAll(/\]\(docs\/pictures\/([\w-]+\.png)\)/g)].map((m) => m[1]));

describe("README pictures", () => {
  it("are listed in scripts/readme-pictures.mjs and present in docs/pictures, and nothing else is there", () => {
    expect(listed.size).toBeGreaterThanOrEqual(6);
    expect([...shown].sort()).toEqual([...listed.keys()].sort());
    expect(readdirSync(path.join(root, "docs/pictures")).sort()).toEqual([...listed.keys()].sort());
  });

  it("come from screenshots the named e2e tests take", () => {
    for (const [picture, [shot, file]] of listed) {
      expect(existsSync(path.join(root, file)), `${picture}: ${file}`).toBe(true);
      const source = readFileSync(path.join(root, file), "utf8");
      const taken = [...source.matchAll(/screenshot\(\s*\w+,\s*"([^"]+)"\s*\)/g)].some((m) => m[1] === shot);
      expect(taken, `${picture} ← ${shot}.png in ${file}`).toBe(true);
    }
  });

  it("are PNGs of a screen's size", () => {
    for (const picture of listed.keys()) {
      const data = readFileSync(path.join(root, "docs/pictures", picture));
      expect(data.subarray(1, 4).toString("latin1"), picture).toBe("PNG");
      const [width, height] = [data.readUInt32BE(16), data.readUInt32BE(20)];
      expect(width, picture).toBeGreaterThanOrEqual(390);
      expect(height, picture).toBeGreaterThanOrEqual(600);
    }
  });
});
