/** Byte helpers for keys, which are bytes end to end (never lossily decoded into an identity). */

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

export function asBytes(value: Uint8Array | string): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/** A lossless Map key for bytes: one char per byte. */
export function byteKey(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}

export function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  if (needle.length === 0) return -1;
  const first = needle[0];
  for (let i = haystack.indexOf(first, from); i >= 0 && i + needle.length <= haystack.length; i = haystack.indexOf(first, i + 1)) {
    let ok = true;
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return -1;
}

/** Text for recognisers; `undefined` when the bytes are not UTF-8 (no scheme writes such prefixes). */
export function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whether `segment` equals `key[start, end)`. */
export function sameBytes(segment: Uint8Array, key: Uint8Array, start: number, end: number): boolean {
  if (segment.length !== end - start) return false;
  for (let i = 0; i < segment.length; i++) if (segment[i] !== key[start + i]) return false;
  return true;
}

/** The Map key of `key[start, end)`: one char per byte, read in place from a Buffer. */
export function segmentId(key: Uint8Array, start: number, end: number): string {
  if (end - start <= 0) return "";
  if (typeof Buffer !== "undefined" && Buffer.isBuffer(key)) return key.toString("latin1", start, end);
  return byteKey(key.subarray(start, end));
}
