import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { VECTORS_FILE } from "./vectors";

// Debian's interpreter, which has python3-msgpack; other python3 builds on PATH may not.
const PYTHON = "/usr/bin/python3";
const GENERATOR = path.resolve(import.meta.dirname, "../../fixtures/codecs/generate-vectors.py");
const canRegenerate =
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import msgpack, sys; assert sys.version_info[:2] == (3, 11)"]).status === 0;

describe("committed vectors", () => {
  // The generator's output depends on the interpreter (pickle and float repr details), so the byte-for-byte
  // check needs the CPython the vectors were made with; the vectors themselves are checked by every codec test.
  const reason = canRegenerate ? "" : " — skipped: needs /usr/bin/python3 3.11 with python3-msgpack";
  it.skipIf(!canRegenerate)(`are exactly what the generator writes today${reason}`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), "codec-vectors-"));
    try {
      const out = path.join(dir, "vectors.json");
      execFileSync(PYTHON, [GENERATOR, out], { stdio: "pipe" });
      expect(readFileSync(out, "utf8") === readFileSync(VECTORS_FILE, "utf8")).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
