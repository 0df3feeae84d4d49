import { readFileSync } from "node:fs";
import path from "node:path";

/** A tagged description of a Python value, as `generate-vectors.py` writes it. */
export type Desc = [string, ...unknown[]];

export interface Vector {
  id: string;
  format: string;
  protocol?: number;
  algorithm?: string;
  b64: string;
  expect?: Desc | null;
  inner_sha256?: string;
  inner_length?: number;
}

export const VECTORS_FILE = path.resolve(import.meta.dirname, "../../fixtures/codecs/vectors.json");

export function loadVectors(format?: string): (Vector & { bytes: Uint8Array })[] {
  const doc = JSON.parse(readFileSync(VECTORS_FILE, "utf8")) as { vectors: Vector[] };
  return doc.vectors
    .filter((v) => format === undefined || v.format === format)
    .map((v) => ({ ...v, bytes: new Uint8Array(Buffer.from(v.b64, "base64")) }));
}

export function floatHex(x: number): string {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b.toString("hex");
}
