import { bytesEqual, fromBase64, toBase64, tryUtf8 } from "./bytes";
import { Budget, DISPLAY_BUDGET, TooLargeError } from "./budget";
import { CodecError } from "./codec-error";
import { compress, decompress, MAX_DECOMPRESSED, sniffCompression } from "./compression";
import { decodeJson, encodeJson } from "./json";
import { decodeMsgpack } from "./msgpack/decode";
import { encodeMsgpack } from "./msgpack/encode";
import { decodePickle, DEFAULT_PICKLE_LIMITS } from "./pickle/decode";
import { encodePickle } from "./pickle/encode";
import { decodeRepr } from "./python-repr";
import { decodeCounter, decodeInt64, decodeText, encodeCounter, encodeInt64, encodeText } from "./scalars";
import { PYMEMCACHE_FLAGS, PYMEMCACHE_FORMATS } from "./pymemcache";
import type { Candidate, DecodedValue, DetectHints, ValueFormat } from "./value";

const MAX_NESTING = 3;
const PICKLE_TEXT_START = new Set(Array.from("(]}cIVNFSLKJGXUTP)l", (c) => c.charCodeAt(0)));
const JSON_START = new Set(Array.from('{["-0123456789tfnNI', (c) => c.charCodeAt(0)));

interface Found extends Candidate {
  decoded?: DecodedValue;
}

/** `undefined` when the bytes are not `format`; running out of budget is not that, so it goes on up. */
function attempt(format: ValueFormat, bytes: Uint8Array, depth: number, hints: DetectHints, budget: Budget): DecodedValue | undefined {
  try {
    return decodeAs(format, bytes, hints, depth, budget);
  } catch (e) {
    if (e instanceof CodecError && !(e instanceof TooLargeError)) return undefined;
    throw e;
  }
}

function isMostlyPrintable(text: string): boolean {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f || c === 0xfffd) bad++;
  }
  return bad === 0 || bad / text.length < 0.02;
}

/**
 * Every format that fits, best first, each with the decoded value when checking it meant decoding it.
 * Throws `TooLargeError` when checking would spend more than `budget`.
 */
export function findCandidates(bytes: Uint8Array, hints: DetectHints = {}, depth = 0, budget = new Budget(DISPLAY_BUDGET)): Found[] {
  const out: Found[] = [];
  const add = (format: ValueFormat, confidence: number, reason: string, decoded?: DecodedValue) =>
    out.push({ format, confidence, reason, decoded });
  const b0 = bytes[0];
  const truncated = hints.truncated === true;

  if (hints.uwsgiFlags !== undefined && (hints.uwsgiFlags & 0x10) !== 0 && bytes.length === 8) {
    add("int64", 0.99, "uWSGI math flag: a cache_inc counter", attempt("int64", bytes, depth, hints, budget));
  }
  if (hints.memcachedFlags !== undefined && hints.memcachedFlags !== 0) {
    const flags = hints.memcachedFlags;
    const zlib = PYMEMCACHE_FLAGS.zlib;
    if (flags & zlib) add("compressed", 0.98, `memcached flag ${zlib}: pymemcache zlib`);
    const base = PYMEMCACHE_FORMATS[flags & ~zlib];
    if (base && !(flags & zlib)) add(base, 0.97, `memcached flag ${flags & ~zlib}: pymemcache ${base}`);
  }

  const algorithm = depth < MAX_NESTING ? sniffCompression(bytes) : undefined;
  if (algorithm) {
    const decoded = truncated ? undefined : attempt("compressed", bytes, depth, hints, budget);
    add("compressed", decoded || truncated ? 0.95 : 0.1, `${algorithm} magic bytes`, decoded);
  }

  if (b0 === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    const decoded = truncated ? undefined : attempt("pickle", bytes, depth, hints, budget);
    add("pickle", decoded || truncated ? 0.97 : 0.3, `pickle protocol ${bytes[1]} header`, decoded);
  } else if (PICKLE_TEXT_START.has(b0) && bytes[bytes.length - 1] === 0x2e && bytes.length > 1) {
    const decoded = attempt("pickle", bytes, depth, hints, budget);
    if (decoded) add("pickle", 0.75, "protocol 0/1 pickle", decoded);
  }

  const text = tryUtf8(bytes);
  const printable = text !== undefined && text.length > 0 && isMostlyPrintable(text);
  if (text !== undefined && /^-?\d{1,4300}$/.test(text)) add("counter", 0.95, "ASCII integer: a counter", attempt("counter", bytes, depth, hints, budget));
  else if (text !== undefined && /^-?(\d+\.\d*|\.\d+|\d+)(e[+-]?\d+)?$/i.test(text)) add("counter", 0.8, "ASCII float", attempt("counter", bytes, depth, hints, budget));

  if (text !== undefined && JSON_START.has(text.trimStart().charCodeAt(0))) {
    const decoded = truncated ? undefined : attempt("json", bytes, depth, hints, budget);
    const root = decoded?.format === "json" ? decoded.root : undefined;
    if (root) {
      const score = root.t === "object" || root.t === "array" ? 0.9 : root.t === "str" ? 0.7 : 0.5;
      add("json", score, "parses as JSON", decoded);
    } else if (truncated && (b0 === 0x7b || b0 === 0x5b)) add("json", 0.6, "starts like JSON");
  }
  if (text !== undefined && /^[[{(]\s*['"(bfsTFN\d-]|^(set|frozenset)\(/.test(text) && !out.some((c) => c.format === "json")) {
    const decoded = attempt("repr", bytes, depth, hints, budget);
    if (decoded) add("repr", 0.8, "Python repr (str() output)", decoded);
  }

  // A header-identified value that decoded (pickle, compression) leaves nothing for msgpack to explain.
  const settled = out.some((c) => c.decoded !== undefined && (c.format === "pickle" || c.format === "compressed"));
  if (bytes.length > 0 && !truncated && !settled) {
    const structured = (b0 >= 0x80 && b0 <= 0x9f) || (b0 >= 0xdc && b0 <= 0xdf);
    const litestar = b0 === 0x82 && bytes[1] === 0xaa && tryUtf8(bytes.subarray(2, 12)) === "expires_at";
    // Litestar's response cache: a list of ASGI messages, each a map whose first key is "type".
    const asgi = b0 >= 0x91 && b0 <= 0x9f && (bytes[1] & 0xf0) === 0x80 && bytes[2] === 0xa4 && tryUtf8(bytes.subarray(3, 7)) === "type";
    if (structured || !printable) {
      const decoded = attempt("msgpack", bytes, depth, hints, budget);
      const reason = litestar ? "Litestar StorageObject" : asgi ? "Litestar response cache (ASGI messages)" : "decodes as msgpack";
      if (decoded) add("msgpack", litestar || asgi ? 0.96 : structured ? 0.85 : 0.3, reason, decoded);
    }
  }

  if (bytes.length === 8) {
    add("int64", hints.uwsgi ? 0.9 : printable ? 0.05 : 0.2, hints.uwsgi ? "8 bytes in a uWSGI cache: an int64 counter" : "8 bytes: maybe an int64", attempt("int64", bytes, depth, hints, budget));
  }

  if (text !== undefined) {
    add("text", printable ? 0.5 : 0.1, "valid UTF-8", { format: "text", text });
    // Control characters (`b"\x00\x01\x02"` is valid UTF-8) mean bytes, which text would show as nothing.
    if (!printable && text.length > 0) add("binary", 0.15, "control characters: raw bytes", { format: "binary", bytes });
    if (depth < MAX_NESTING && bytes.length >= 16 && bytes.length % 4 === 0 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
      const decoded = attempt("base64", bytes, depth, hints, budget);
      if (decoded?.format === "base64" && decoded.value.format !== "binary" && decoded.value.format !== "text") {
        // Structured data inside is strong evidence; plain text that happens to be valid base64 is not, and
        // neither is a lone msgpack scalar ("u" × 36 decodes to a 26-byte fixstr and nothing else).
        const inner = decoded.value;
        const container = inner.format !== "msgpack" || inner.root.t === "array" || inner.root.t === "map";
        const structured = ["pickle", "json", "msgpack", "compressed"].includes(inner.format) && container;
        add("base64", structured ? 0.6 : 0.3, `base64 of ${decoded.value.format}`, decoded);
      }
    }
  }
  add("binary", 0.01, "raw bytes", { format: "binary", bytes });

  const best = new Map<ValueFormat, Found>();
  for (const c of out) {
    const prev = best.get(c.format);
    if (!prev || c.confidence > prev.confidence) best.set(c.format, { ...c, decoded: c.decoded ?? prev?.decoded });
  }
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

/** Decodes `bytes` as `format`; throws `CodecError` if they are not that, `TooLargeError` past the budget. */
export function decodeAs(format: ValueFormat, bytes: Uint8Array, hints: DetectHints = {}, depth = 0, budget = new Budget(DISPLAY_BUDGET)): DecodedValue {
  switch (format) {
    case "pickle":
      return decodePickle(bytes, DEFAULT_PICKLE_LIMITS, budget);
    case "json":
      return decodeJson(bytes, budget);
    case "msgpack":
      return decodeMsgpack(bytes, budget);
    case "repr":
      return decodeRepr(bytes, budget);
    case "counter":
      return decodeCounter(bytes);
    case "int64":
      return decodeInt64(bytes);
    case "text":
      return decodeText(bytes);
    case "binary":
      return { format: "binary", bytes };
    case "compressed": {
      if (depth >= MAX_NESTING) throw new CodecError("compressed", "compression nested too deeply");
      const algorithm = sniffCompression(bytes) ?? (hints.memcachedFlags !== undefined && hints.memcachedFlags & PYMEMCACHE_FLAGS.zlib ? "zlib" : undefined);
      if (!algorithm) throw new CodecError("compressed", "no known compression header");
      const inner = decompress(algorithm, bytes, MAX_DECOMPRESSED, budget);
      const innerHints: DetectHints = hints.memcachedFlags !== undefined ? { memcachedFlags: hints.memcachedFlags & ~PYMEMCACHE_FLAGS.zlib } : {};
      return { format: "compressed", algorithm, original: bytes, inner, value: analyzeInner(inner, innerHints, depth + 1, budget) };
    }
    case "base64": {
      if (depth >= MAX_NESTING) throw new CodecError("base64", "encoding nested too deeply");
      const text = tryUtf8(bytes);
      const inner = text === undefined ? undefined : fromBase64(text);
      if (!text || !inner) throw new CodecError("base64", "not base64 text");
      return { format: "base64", urlSafe: /[-_]/.test(text), padded: text.endsWith("="), inner, value: analyzeInner(inner, {}, depth + 1, budget) };
    }
  }
}

function analyzeInner(bytes: Uint8Array, hints: DetectHints, depth: number, budget: Budget): DecodedValue {
  for (const c of findCandidates(bytes, hints, depth, budget)) {
    const decoded = c.decoded ?? attempt(c.format, bytes, depth, hints, budget);
    if (decoded) return decoded;
  }
  return { format: "binary", bytes };
}

/** Writes a decoded (possibly edited) value in its format; an unchanged value gives back the bytes it came from. */
export function encodeValue(value: DecodedValue): Uint8Array {
  switch (value.format) {
    case "pickle":
      return encodePickle(value.root, value.protocol);
    case "json":
      return encodeJson(value);
    case "msgpack":
      return encodeMsgpack(value);
    case "repr":
      return new TextEncoder().encode(value.text);
    case "counter":
      return encodeCounter(value);
    case "int64":
      return encodeInt64(value);
    case "text":
      return encodeText(value);
    case "binary":
      return value.bytes;
    case "compressed": {
      const inner = encodeValue(value.value);
      return bytesEqual(inner, value.inner) ? value.original : compress(value.algorithm, inner);
    }
    case "base64": {
      let text = toBase64(encodeValue(value.value));
      if (value.urlSafe) text = text.replace(/\+/g, "-").replace(/\//g, "_");
      if (!value.padded) text = text.replace(/=+$/, "");
      return new TextEncoder().encode(text);
    }
  }
}
