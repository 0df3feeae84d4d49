/**
 * Detect and decode the first 64 KiB of 10,000 mixed values (the key browser's worst page-load case):
 * Python-generated pickles in every protocol, JSON in every spacing, msgpack, compressed values, counters,
 * plus text, binary and large values cut at 64 KiB. Target: under 1 s on one core.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { analyze } from "@/lib/codecs";
import { type BenchFigure, figure } from "./report";

const WINDOW = 64 * 1024;
const COUNT = 10_000;

function mixedValues(): { bytes: Uint8Array; truncated: boolean }[] {
  const file = path.resolve(import.meta.dirname, "../fixtures/codecs/vectors.json");
  const doc = JSON.parse(readFileSync(file, "utf8")) as { vectors: { b64: string }[] };
  const pool: Uint8Array[] = doc.vectors.map((v) => new Uint8Array(Buffer.from(v.b64, "base64")));
  const bigJson = Buffer.from(JSON.stringify({ items: Array.from({ length: 4000 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ["a", "b"] })) }));
  pool.push(bigJson, Buffer.from("lorem ipsum dolor sit amet ".repeat(40)), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131) % 256)));
  const out: { bytes: Uint8Array; truncated: boolean }[] = [];
  for (let i = 0; i < COUNT; i++) {
    const full = pool[(i * 7919) % pool.length];
    out.push({ bytes: full.subarray(0, WINDOW), truncated: full.length > WINDOW });
  }
  return out;
}

export default async function codecsBench(report: (f: BenchFigure) => void): Promise<void> {
  const values = mixedValues();
  const totalBytes = values.reduce((n, v) => n + v.bytes.length, 0);
  for (const v of values.slice(0, 500)) analyze(v.bytes, { truncated: v.truncated });
  let best = Infinity;
  const formats = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    formats.clear();
    const start = performance.now();
    for (const v of values) {
      const { value } = analyze(v.bytes, { truncated: v.truncated });
      formats.set(value.format, (formats.get(value.format) ?? 0) + 1);
    }
    best = Math.min(best, performance.now() - start);
  }
  const mix = [...formats].map(([f, n]) => `${f} ${n}`).join(", ");
  report(
    figure("codecs: detect + decode first 64 KiB of 10,000 mixed values", best, "ms", {
      limit: 1000,
      target: 1,
      note: `${(totalBytes / 1024 / 1024).toFixed(1)} MiB; ${mix}; best of 3`,
    }),
  );
}
