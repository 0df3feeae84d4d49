/**
 * Keys are bytes. In URLs they travel as unpadded base64url (`keyToParam`), in request bodies as standard
 * base64 (`bytesToBase64`); what receives them accepts either alphabet, padding optional (`keyFromParam`,
 * `bytesSchema` in lib/actions/schemas.ts). On screen they are shown as UTF-8
 * when they are valid UTF-8 without control characters, else with those bytes escaped (`\xff`), or as hex.
 * Characters that render as nothing or reorder text (`\u202e`, `\u200b`) are always shown escaped.
 * Pure functions: used by the server and the browser alike.
 */
import { fromBase64, toBase64 } from "../codecs/bytes";

export function keyToParam(key: Uint8Array): string {
  return bytesToBase64(key).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function keyFromParam(param: string): Uint8Array {
  // fromBase64 reads the URL-safe alphabet without padding as it is.
  return base64ToBytes(param);
}

export const bytesToBase64 = toBase64;

/** Throws on text that is not base64, like `atob`. */
export function base64ToBytes(base64: string): Uint8Array {
  const bytes = fromBase64(base64);
  if (!bytes) throw new Error("Not base64");
  return bytes;
}

/** Text as base64 of its UTF-8, the form every byte string of an edit form takes (a score's decimal text too). */
export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text));
}

/** The UTF-8 text a base64 string holds (invalid sequences become U+FFFD); throws on text that is not base64. */
export function base64ToText(base64: string): string {
  return new TextDecoder().decode(base64ToBytes(base64));
}

const decoder = new TextDecoder("utf-8", { fatal: true });

interface KeyText {
  /** What to show: the UTF-8 text, with undecodable and control bytes escaped as `\xNN` and invisible characters as `\uNNNN`. */
  text: string;
  /** True when the bytes are not plain UTF-8 text (some bytes are escaped in `text`). */
  binary: boolean;
  /** True when the key holds characters that render as nothing or reorder the text around them (escaped in `text`). */
  hidden: boolean;
}

/**
 * Characters that would make a key look like another: format characters (bidi overrides and isolates,
 * zero-width spaces and joiners, BOM, soft hyphen, tag characters), line and paragraph separators, C1
 * controls and the blank Hangul fillers.
 */
const HIDDEN = /[\p{Cf}\p{Zl}\p{Zp}\u0080-\u009f\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, "gu");

function escapeHidden(char: string): string {
  const code = char.codePointAt(0)!;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

export function keyText(key: Uint8Array): KeyText {
  try {
    const text = decoder.decode(key);
    if (!/[\u0000-\u001f\u007f]/.test(text)) {
      if (!HIDDEN.test(text)) return { text, binary: false, hidden: false };
      return { text: text.replace(/\\/g, "\\\\").replace(HIDDEN_ALL, escapeHidden), binary: false, hidden: true };
    }
  } catch {
    // not UTF-8: escape byte by byte below
  }
  let out = "";
  let hidden = false;
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
        const char = decoder.decode(key.subarray(i, i + width));
        if (HIDDEN.test(char)) hidden = true;
        out += char.replace(HIDDEN_ALL, escapeHidden);
        i += width;
        continue;
      } catch {
        // fall through to escaping this byte
      }
    }
    out += `\\x${byte.toString(16).padStart(2, "0")}`;
    i += 1;
  }
  return { text: out, binary: true, hidden };
}

export function keyHex(key: Uint8Array): string {
  return Array.from(key, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** base64url (URL parameter) to standard base64 (request bodies, the actions' `bytesSchema`). */
export function paramToBase64(param: string): string {
  const base64 = param.replace(/-/g, "+").replace(/_/g, "/");
  return base64 + "=".repeat((4 - (base64.length % 4)) % 4);
}
