import { CodecError } from "./codec-error";
import { parsePythonFloat, pythonFloatRepr } from "./python-float";

/**
 * Values that are a single number or a string: ASCII counters (Redis `INCRBY`, Django's exact ints,
 * memcached `incr`), uWSGI's 8-byte int64 counters, and UTF-8 text.
 */

/** The original text is kept: `007` or `1e3` must come back as written unless the number is edited. */
export interface DecodedCounter {
  readonly format: "counter";
  readonly text: string;
  readonly value: bigint | number;
}

/** uWSGI stores counters as a native int64; x86 (the only place uWSGI runs in practice) is little-endian. */
export interface DecodedInt64 {
  readonly format: "int64";
  readonly value: bigint;
}

export interface DecodedText {
  readonly format: "text";
  readonly text: string;
}

const INT_RE = /^-?\d{1,4300}$/;

export function decodeCounter(bytes: Uint8Array): DecodedCounter {
  if (bytes.length === 0 || bytes.length > 5000) throw new CodecError("counter", "not a number");
  let text = "";
  for (const b of bytes) {
    if (b > 0x7e || b < 0x20) throw new CodecError("counter", "not ASCII");
    text += String.fromCharCode(b);
  }
  if (INT_RE.test(text)) return { format: "counter", text, value: BigInt(text) };
  if (/^\s|\s$/.test(text)) throw new CodecError("counter", "not a number");
  const f = parsePythonFloat(text);
  if (f === undefined) throw new CodecError("counter", "not a number");
  return { format: "counter", text, value: f };
}

/** Writes an edited counter as Python's `str()` does; an unchanged one keeps its exact text. */
export function counterText(value: bigint | number, original?: DecodedCounter): string {
  if (original && (original.value === value || (typeof value === "number" && Object.is(original.value, value)))) return original.text;
  if (typeof value === "bigint") return value.toString();
  if (!Number.isFinite(value)) throw new CodecError("counter", "a counter must be finite");
  return pythonFloatRepr(value);
}

export function encodeCounter(decoded: DecodedCounter): Uint8Array {
  return new TextEncoder().encode(counterText(decoded.value, decoded));
}

export function decodeInt64(bytes: Uint8Array): DecodedInt64 {
  if (bytes.length !== 8) throw new CodecError("int64", `expected 8 bytes, got ${bytes.length}`);
  return { format: "int64", value: new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0, true) };
}

export function encodeInt64(decoded: DecodedInt64): Uint8Array {
  if (decoded.value < -(1n << 63n) || decoded.value >= 1n << 63n) throw new CodecError("int64", "value does not fit in 64 bits");
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, decoded.value, true);
  return out;
}

export function decodeText(bytes: Uint8Array): DecodedText {
  try {
    return { format: "text", text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    throw new CodecError("text", "not valid UTF-8");
  }
}

export function encodeText(decoded: DecodedText): Uint8Array {
  return new TextEncoder().encode(decoded.text);
}
