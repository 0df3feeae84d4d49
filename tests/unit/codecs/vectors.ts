import { readFileSync } from "node:fs";
import path from "node:path";
import { pyObjectRepr, type PyStdlibValue } from "@/lib/codecs/python-stdlib";

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

/** The generator's tagged description, computed from an editable value. */
export function plainDesc(v: unknown, path: Set<object> = new Set()): Desc {
  if (v === null) return ["none"];
  if (typeof v === "boolean") return ["bool", v];
  if (typeof v === "bigint") return ["int", v.toString()];
  if (typeof v === "number") return ["float", floatHex(v)];
  if (typeof v === "string") return ["str", v];
  if (v instanceof Uint8Array) return ["bytes", Buffer.from(v).toString("hex")];
  const o = v as object;
  if (path.has(o)) return ["recursive"];
  const inner = new Set(path).add(o);
  const d = (x: unknown) => plainDesc(x, inner);
  if (Array.isArray(v)) return ["list", v.map(d)];
  const k = v as { kind: string; items?: unknown[]; entries?: [unknown, unknown][]; value?: number; type?: number; data?: Uint8Array; seconds?: bigint; nanoseconds?: number; bytes?: Uint8Array; text?: string };
  switch (k.kind) {
    case "tuple":
    case "set":
    case "frozenset":
      return [k.kind, k.items!.map(d)];
    case "dict":
      return ["dict", k.entries!.map(([a, b]) => [d(a), d(b)])];
    case "float32":
      return ["float", floatHex(k.value!)];
    case "ext":
      return ["ext", k.type, Buffer.from(k.data!).toString("hex")];
    case "timestamp":
      return ["timestamp", k.seconds!.toString(), k.nanoseconds];
    case "bytearray":
      return ["bytearray", Buffer.from(k.bytes!).toString("hex")];
    case "pyobject":
      return ["repr", pyObjectRepr(v as PyStdlibValue)];
    default:
      return ["repr", k.text];
  }
}
