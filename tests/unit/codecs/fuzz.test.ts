import { describe, expect, it } from "vitest";
import { analyze, CodecError } from "@/lib/codecs";
import { decodeMsgpack } from "@/lib/codecs/msgpack/decode";
import { decodePickle } from "@/lib/codecs/pickle/decode";
import { loadVectors } from "./vectors";

/** Deterministic PRNG so a failure can be replayed from the printed seed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(rand: () => number, seed: Uint8Array): Uint8Array {
  const out = Array.from(seed.subarray(0, 4096));
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (out.length + 1));
    const kind = rand();
    if (kind < 0.4 && out.length > 0) out[Math.min(at, out.length - 1)] = Math.floor(rand() * 256);
    else if (kind < 0.6) out.splice(at, Math.floor(rand() * 8));
    else if (kind < 0.8) out.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * 256)));
    else out.splice(at, 0, 0xff, 0xff, 0xff, 0x7f);
  }
  return Uint8Array.from(out);
}

/**
 * A fixed number of inputs per decoder (not "as many as fit in N seconds"), so the same inputs run on a
 * quiet machine and on a loaded one; a hang is caught by the test timeout.
 */
function fuzz(name: string, decoder: (b: Uint8Array) => unknown, seeds: Uint8Array[], prefix: number[], runs: number) {
  it(`${name}: random and mutated bytes only ever raise CodecError`, () => {
    const seed = 20261121;
    const rand = mulberry32(seed);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let run = 0; run < runs; run++) {
      let input: Uint8Array;
      const r = rand();
      if (r < 0.3) input = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
      else if (r < 0.45) input = Uint8Array.from([...prefix, ...Array.from({ length: Math.floor(rand() * 32) }, () => Math.floor(rand() * 256))]);
      else input = mutate(rand, seeds[Math.floor(rand() * seeds.length)]);
      try {
        decoder(input);
      } catch (e) {
        if (!(e instanceof CodecError)) {
          throw new Error(`seed ${seed} run ${run}: ${Buffer.from(input).toString("hex")} threw ${String(e)}`);
        }
      }
    }
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
  });
}

const seedsOf = (format: string) => loadVectors(format).map((v) => v.bytes).filter((b) => b.length < 20_000);

describe("fuzz", () => {
  fuzz("pickle", decodePickle, seedsOf("pickle"), [0x80, 0x04, 0x95], 10_000);
  fuzz("msgpack", decodeMsgpack, seedsOf("msgpack"), [0xdd, 0xff, 0xff], 10_000);
  fuzz("analyze (every detector)", analyze, [...seedsOf("compressed"), ...seedsOf("json"), ...seedsOf("pickle").slice(0, 50)], [0x1f, 0x8b], 5000);
});
