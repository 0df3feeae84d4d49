import type { PickleCall } from "./nodes";

/** How the pickler spells text, integers and bytes in the forms `_pickle.c` uses (pure helpers of `encode.ts`). */

const utf8 = new TextEncoder();
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** UTF-8 with lone surrogates written as three bytes, like CPython's "surrogatepass". */
export function encodeUtf8(text: string): Uint8Array {
  if (!LONE_SURROGATE.test(text)) return utf8.encode(text);
  const parts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      parts.push(...utf8.encode(text.slice(i, i + 2)));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      parts.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    } else {
      parts.push(...utf8.encode(text[i]));
    }
  }
  return Uint8Array.from(parts);
}

/** `raw-unicode-escape` as `_pickle.c` writes it for protocol 0 `UNICODE`. */
export function rawUnicodeEscape(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x10000) out += `\\U${cp.toString(16).padStart(8, "0")}`;
    else if (cp >= 256 || cp === 0x5c || cp === 0 || cp === 0x0a || cp === 0x0d || cp === 0x1a) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/** Minimal two's-complement little-endian bytes, as `LONG1`/`LONG4` want. */
export function longBytes(v: bigint): Uint8Array {
  const abs = v < 0n ? -v : v;
  const nbits = abs.toString(2).length;
  let n = (nbits >> 3) + 1;
  const out = new Uint8Array(n);
  let x = v < 0n ? (1n << BigInt(n * 8)) + v : v;
  for (let i = 0; i < n; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (v < 0n && n > 1 && out[n - 1] === 0xff && (out[n - 2] & 0x80) !== 0) n--;
  return out.subarray(0, n);
}

/** Whether a bytes REDUCE is CPython's own `_codecs.encode(text, "latin1")` spelling. */
export function isLatin1Call(call: PickleCall): boolean {
  const { func, args } = call;
  if (func.t !== "global" || func.module !== "_codecs" || func.name !== "encode" || args.t !== "tuple" || args.items.length !== 2) return false;
  const [text, encoding] = args.items;
  return text.t === "str" && !text.legacy && encoding.t === "str" && encoding.v === "latin1" && !encoding.legacy;
}

export function latin1String(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}
