import { zlibSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { analyze, analysisLabel, Budget, CodecError, DETECT_BUDGET, detectLabel, formatLabel, TooLargeError } from "@/lib/codecs";
import { decompress, MAX_DECOMPRESSED, type CompressionAlgorithm } from "@/lib/codecs/compression";
import { decodeJson } from "@/lib/codecs/json";
import { decodeMsgpack } from "@/lib/codecs/msgpack/decode";
import { decodePickle, DEFAULT_PICKLE_LIMITS } from "@/lib/codecs/pickle/decode";
import { gzipBomb, lz4Bomb, memoBombPickle, nestedZlibBomb, xzBomb, zstdBomb } from "@/tests/support/bombs";
import { loadVectors } from "./vectors";

/**
 * How far past its limit the count may go: one input slice's output, or one lz4 match (at most a 4 MiB
 * block), which is charged before it is written.
 */
const OVERSHOOT = 4 * 1024 * 1024;

function tooLarge(run: () => unknown): TooLargeError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(TooLargeError);
    expect((e as Error).message).toContain("too large to inspect");
    return e as TooLargeError;
  }
  throw new Error("decoded without running out of budget");
}

/** Bytes that do not compress, so a stored layer keeps its size. */
function noise(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("decompression budgets", () => {
  const bombs = new Map<CompressionAlgorithm, Buffer>();
  let nested: Buffer;
  beforeAll(() => {
    nested = nestedZlibBomb();
    bombs.set("zlib", nested);
    bombs.set("gzip", gzipBomb());
    bombs.set("xz", xzBomb());
    bombs.set("lz4", lz4Bomb());
    bombs.set("zstd", zstdBomb());
  }, 120_000);

  it.each(["gzip", "xz", "lz4", "zstd"] as CompressionAlgorithm[])("a %s bomb stops as soon as it has spent the budget", (algorithm) => {
    const budget = new Budget(DETECT_BUDGET);
    tooLarge(() => decompress(algorithm, bombs.get(algorithm)!, MAX_DECOMPRESSED, budget));
    expect(budget.bytes).toBeLessThanOrEqual(DETECT_BUDGET.maxBytes + OVERSHOOT);
  });

  it("the budget is shared by nested layers: zlib(zlib(zlib(63 MiB of zeros))) stops inside the third", () => {
    expect(nested.length).toBeLessThan(300);
    const budget = new Budget(DETECT_BUDGET);
    expect(analyze(nested, {}, budget).tooLarge?.message).toContain("too large to inspect");
    expect(budget.bytes).toBeLessThanOrEqual(DETECT_BUDGET.maxBytes + OVERSHOOT);
  });

  it("two layers that each fit but together do not are refused", () => {
    const inner = noise(100_000);
    const value = zlibSync(zlibSync(inner, { level: 0 }), { level: 9 });
    expect(analyze(value).value.format).toBe("compressed");
    const result = analyze(value, {}, new Budget({ maxBytes: 150_000, maxSteps: 1_000_000 }));
    expect(result.tooLarge?.label).toBe("zlib → too large to inspect");
    expect(result.value).toEqual({ format: "binary", bytes: value });
  });

  it("a zstd frame declaring a huge window is refused: beyond the cap outright, within it by the budget", () => {
    // Magic, no content size, a window descriptor, then one empty last raw block: no output at all.
    const frame = (window: number) => new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x00, window, 0x01, 0x00, 0x00]);
    // 2^26 + 7/8 of it: 120 MiB.
    expect(() => decompress("zstd", frame(0x87))).toThrow(CodecError);
    // 2^25 + 7/8 of it: 60 MiB, which the reader allocates and moves for every block.
    const budget = new Budget(DETECT_BUDGET);
    tooLarge(() => decompress("zstd", frame(0x7f), MAX_DECOMPRESSED, budget));
    expect(budget.bytes).toBe(0);
  });

  it("a key list label for a bomb says so, and never throws", () => {
    expect(detectLabel(nested)).toBe("zlib → too large to inspect");
    for (const [algorithm, bomb] of bombs) expect(detectLabel(bomb)).toBe(`${algorithm} → too large to inspect`);
    expect(detectLabel(nested, { truncated: true })).toBe("compressed");
    expect(detectLabel(new Uint8Array([0x78, 0x9c, 0xff, 0xff]))).toBe("binary");
  });

  it("analyze gives the raw bytes, header candidates and a label instead of hanging", () => {
    const result = analyze(nested, {}, new Budget(DETECT_BUDGET));
    expect(result.value).toEqual({ format: "binary", bytes: nested });
    expect(result.candidates.map((c) => c.format)).toEqual(["compressed", "binary"]);
    expect(analysisLabel(result)).toBe("zlib → too large to inspect");
  });
});

describe("decoder budgets", () => {
  it("msgpack: a declared length that the bytes honour still cannot exceed the steps", () => {
    const count = 150_000;
    const bytes = new Uint8Array(5 + count).fill(0xc0);
    bytes.set([0xdd, (count >>> 24) & 0xff, (count >>> 16) & 0xff, (count >>> 8) & 0xff, count & 0xff]);
    expect(decodeMsgpack(bytes).root).toMatchObject({ t: "array" });
    const budget = new Budget(DETECT_BUDGET);
    tooLarge(() => decodeMsgpack(bytes, budget));
    expect(budget.steps).toBe(DETECT_BUDGET.maxSteps + 1);
  });

  it("msgpack: deep nesting repeated many times runs out of steps", () => {
    const one = [...new Array<number>(300).fill(0x91), 0xc0];
    const bytes = new Uint8Array([0xdc, 0x01, 0x90, ...Array.from({ length: 400 }, () => one).flat()]);
    expect(() => decodeMsgpack(bytes)).not.toThrow();
    tooLarge(() => decodeMsgpack(bytes, new Budget(DETECT_BUDGET)));
  });

  it("JSON: many values and deep nesting run out of steps", () => {
    const wide = new TextEncoder().encode(`[${new Array(150_000).fill("0").join(",")}]`);
    expect(decodeJson(wide).root).toMatchObject({ t: "array" });
    tooLarge(() => decodeJson(wide, new Budget(DETECT_BUDGET)));
    const deep = new TextEncoder().encode(`[${new Array(400).fill(`${"[".repeat(300)}${"]".repeat(300)}`).join(",")}]`);
    expect(() => decodeJson(deep)).not.toThrow();
    tooLarge(() => decodeJson(deep, new Budget(DETECT_BUDGET)));
  });

  it("pickle: a memoized list turned into a set again and again is charged for every copied item", () => {
    // l = [0] * 2000 (memo 0), then 2000 times set(l): 4 million copied items from 14 KiB.
    const items = 2000;
    const parts: number[] = [0x80, 0x04, 0x5d, 0x94, 0x28, ...new Array<number>(items).fill(0).flatMap(() => [0x4b, 0x00]), 0x65, 0x30];
    parts.push(0x8c, 0x08, ...Buffer.from("builtins"), 0x8c, 0x03, ...Buffer.from("set"), 0x93, 0x94, 0x30);
    parts.push(0x28);
    for (let i = 0; i < items; i++) parts.push(0x68, 0x01, 0x68, 0x00, 0x85, 0x52);
    parts.push(0x6c, 0x2e);
    const bytes = new Uint8Array(parts);
    expect(decodePickle(bytes).root).toMatchObject({ t: "list" });
    const budget = new Budget(DETECT_BUDGET);
    tooLarge(() => decodePickle(bytes, DEFAULT_PICKLE_LIMITS, budget));
    expect(budget.steps).toBeLessThanOrEqual(DETECT_BUDGET.maxSteps + items);
  });

  it("pickle: a memo bomb decodes within budget, as the shared tree it is", () => {
    const bomb = memoBombPickle();
    const budget = new Budget(DETECT_BUDGET);
    const decoded = decodePickle(bomb, DEFAULT_PICKLE_LIMITS, budget);
    expect(decoded.root).toMatchObject({ t: "list" });
    expect(budget.steps).toBeLessThan(200);
    expect(detectLabel(bomb)).toBe("pickle protocol 4");
  });
});

describe("ordinary values are labelled as before", () => {
  it("every vector of at most a KiB gets the same label from detectLabel as from a full analysis", () => {
    let checked = 0;
    for (const v of loadVectors()) {
      if (v.bytes.length > 1024) continue;
      expect(detectLabel(v.bytes), v.id).toBe(formatLabel(analyze(v.bytes).value));
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });
});
