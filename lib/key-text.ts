/**
 * Keys are bytes. In URLs and request bodies they travel as base64url; on screen they are shown as UTF-8
 * when they are valid UTF-8 without control characters, else with those bytes escaped (`\xff`), or as hex.
 * Pure functions: used by the server and the browser alike.
 */

export function keyToParam(key: Uint8Array): string {
  return bytesToBase64(key).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function keyFromParam(param: string): Uint8Array {
  const base64 = param.replace(/-/g, "+").replace(/_/g, "/");
  return base64ToBytes(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

export interface KeyText {
  /** What to show: the UTF-8 text, or the text with undecodable and control bytes escaped as `\xNN`. */
  text: string;
  /** True when the bytes are not plain UTF-8 text (some bytes are escaped in `text`). */
  binary: boolean;
}

export function keyText(key: Uint8Array): KeyText {
  try {
    const text = decoder.decode(key);
    if (!/[\u0000-\u001f\u007f]/.test(text)) return { text, binary: false };
  } catch {
    // not UTF-8: escape byte by byte below
  }
  let out = "";
  let i = 0;
  while (i < key.length) {
    const byte = key[i]!;
    const width = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 0;
    if (width === 1) {
      out += byte < 0x20 || byte === 0x7f ? `\\x${byte.toString(16).padStart(2, "0")}` : byte === 0x5c ? "\\\\" : String.fromCharCode(byte);
      i += 1;
      continue;
    }
    if (width > 1 && i + width <= key.length) {
      try {
        out += decoder.decode(key.subarray(i, i + width));
        i += width;
        continue;
      } catch {
        // fall through to escaping this byte
      }
    }
    out += `\\x${byte.toString(16).padStart(2, "0")}`;
    i += 1;
  }
  return { text: out, binary: true };
}

export function keyHex(key: Uint8Array): string {
  return Array.from(key, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
