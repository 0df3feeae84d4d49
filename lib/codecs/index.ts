/**
 * Value codecs: detect what a Python cache library wrote, decode it into a tree the UI can show, turn it into
 * an editable value and back, and write it again in the same format, protocol and spacing.
 *
 * Everything here is pure TypeScript on `Uint8Array` with no Node built-ins, so the same module runs in
 * route handlers and in client components (the key browser detects and renders in the browser). That is why
 * compression uses `fflate` (zlib/gzip) and `fzstd` (zstd) and our own lz4-frame and xz readers instead of
 * `node:zlib`, which would also lack xz, lz4 and (on Node 20) zstd. Decoders treat bytes as hostile: they
 * throw only `CodecError`, never execute pickle code, and cap depth, sizes and decompressed output.
 */
import { Budget, DETECT_BUDGET, DISPLAY_BUDGET, TOO_LARGE_LABEL, TooLargeError } from "./budget";
import { bytesEqual, tryUtf8 } from "./bytes";
import { CodecError } from "./codec-error";
import { sniffCompression } from "./compression";
import { findCandidates, decodeAs, encodeValue } from "./detect";
import { jsonToPlain, plainToJson, type JsonNode } from "./json";
import type { MsgpackNode } from "./msgpack/nodes";
import { msgpackToPlain, plainToMsgpack } from "./msgpack/plain";
import { encodePickle } from "./pickle/encode";
import { isPlainPickle, pickleToPlain, plainToPickle } from "./pickle/plain";
import { renderPickle } from "./pickle/render";
import type { PlainValue } from "./plain";
import { pythonFloatRepr } from "./python-float";
import { pyBytesRepr, pyStrRepr } from "./python-repr-text";
import { pyObjectRepr } from "./python-stdlib";
import { counterText } from "./scalars";
import type { Candidate, DecodedValue, DetectHints, ValueFormat } from "./value";

export { CodecError } from "./codec-error";
export { Budget, budgetForSize, DETECT_BUDGET, TOO_LARGE_LABEL, TooLargeError } from "./budget";
export { toHex, fromHex, tryUtf8 } from "./bytes";

export type { PlainValue } from "./plain";

export type { DecodedValue, DetectHints, ValueFormat } from "./value";






export { pythonFloatRepr } from "./python-float";
export { pyStrRepr, pyBytesRepr } from "./python-repr-text";
export { pyObjectRepr } from "./python-stdlib";

/**
 * What the headers alone say, for a value too large to inspect: the formats worth offering to try
 * explicitly (each try has its own budget), and always `binary`, which needs no decoding.
 */
function headerCandidates(bytes: Uint8Array): Candidate[] {
  const out: Candidate[] = [];
  const algorithm = sniffCompression(bytes);
  if (algorithm) out.push({ format: "compressed", confidence: 0.95, reason: `${algorithm} magic bytes; ${TOO_LARGE_LABEL}` });
  if (bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) out.push({ format: "pickle", confidence: 0.9, reason: `pickle protocol ${bytes[1]} header; ${TOO_LARGE_LABEL}` });
  if (tryUtf8(bytes) !== undefined) out.push({ format: "text", confidence: 0.2, reason: "valid UTF-8" });
  out.push({ format: "binary", confidence: 0.01, reason: "raw bytes" });
  return out;
}

/**
 * Ranked formats that fit the bytes, best first; `binary` is always among them as the fallback (and ranks
 * above text made of control characters).
 */
export function detect(bytes: Uint8Array, hints: DetectHints = {}, budget = new Budget(DISPLAY_BUDGET)): Candidate[] {
  try {
    return findCandidates(bytes, hints, 0, budget).map(({ format, confidence, reason }) => ({ format, confidence, reason }));
  } catch (e) {
    if (e instanceof TooLargeError) return headerCandidates(bytes);
    throw e;
  }
}

interface Analysis {
  readonly candidates: Candidate[];
  /** The best candidate that actually decoded (at worst `binary`). */
  readonly value: DecodedValue;
  /**
   * Set when inspecting the value would have spent more than its budget; `value` is then the raw bytes
   * and `label` what to call the value instead of its format.
   */
  readonly tooLarge?: { readonly label: string; readonly message: string };
}

/**
 * Detect and decode in one pass, reusing the decoding detection already did. All of it spends one
 * `budget` (by default enough to show a value in full); a value that needs more comes back as raw bytes
 * with `tooLarge` set, rather than holding the thread while a few hundred bytes expand to gigabytes.
 */
export function analyze(bytes: Uint8Array, hints: DetectHints = {}, budget = new Budget(DISPLAY_BUDGET)): Analysis {
  try {
    const found = findCandidates(bytes, hints, 0, budget);
    const candidates = found.map(({ format, confidence, reason }) => ({ format, confidence, reason }));
    for (const c of found) {
      if (c.decoded) return { candidates, value: c.decoded };
      try {
        return { candidates, value: decodeAs(c.format, bytes, hints, 0, budget) };
      } catch (e) {
        if (!(e instanceof CodecError) || e instanceof TooLargeError) throw e;
      }
    }
    return { candidates, value: { format: "binary", bytes } };
  } catch (e) {
    if (!(e instanceof TooLargeError)) throw e;
    const algorithm = sniffCompression(bytes);
    return {
      candidates: headerCandidates(bytes),
      value: { format: "binary", bytes },
      tooLarge: { label: algorithm ? `${algorithm} → ${TOO_LARGE_LABEL}` : TOO_LARGE_LABEL, message: e.message },
    };
  }
}

/** The label for an analysis: the decoded value's format, or that it was too large to inspect. */
export function analysisLabel(analysis: Analysis): string {
  return analysis.tooLarge?.label ?? formatLabel(analysis.value);
}

/**
 * A format label for a key list row from the value's first bytes (`hints.truncated` when that is not all
 * of it), within the small detection budget. Never throws: a row without a label is better than a list
 * that fails, and the codecs are meant to throw only `CodecError`, which here means "no format".
 */
export function detectLabel(head: Uint8Array, hints: DetectHints = {}): string | null {
  try {
    const budget = new Budget(DETECT_BUDGET);
    if (hints.truncated) return detect(head, hints, budget)[0]?.format ?? null;
    return analysisLabel(analyze(head, hints, budget));
  } catch {
    return null;
  }
}

/**
 * Decodes as the given format (the user picked it, or it was the best candidate); throws `CodecError`,
 * and `TooLargeError` when that would spend more than `budget`.
 */
export function decode(bytes: Uint8Array, format: ValueFormat, hints: DetectHints = {}, budget = new Budget(DISPLAY_BUDGET)): DecodedValue {
  return decodeAs(format, bytes, hints, 0, budget);
}

/** Bytes for a decoded value; `encode(decode(b)) == b` for what Python wrote, and edits keep the format. */
export function encode(value: DecodedValue): Uint8Array {
  return encodeValue(value);
}

/** The value as the editor sees it. Compression and base64 are transparent: the inner value is edited. */
export function toPlain(value: DecodedValue): PlainValue {
  switch (value.format) {
    case "pickle":
      return pickleToPlain(value.root);
    case "json":
      return jsonToPlain(value.root);
    case "msgpack":
      return msgpackToPlain(value.root);
    case "repr":
      return value.value;
    case "counter":
    case "int64":
      return value.value;
    case "text":
      return value.text;
    case "binary":
      return value.bytes;
    case "compressed":
    case "base64":
      return toPlain(value.value);
  }
}

/**
 * An edited value in the format of `original` (same pickle protocol, JSON spacing, msgpack widths,
 * compression). Parts left as they were keep their original nodes, so they are written back unchanged.
 */
export function fromPlain(original: DecodedValue, plain: PlainValue): DecodedValue {
  switch (original.format) {
    case "pickle":
      return { ...original, root: plainToPickle(plain, original.root, original.protocol) };
    case "json":
      return { ...original, root: plainToJson(plain, original.root as JsonNode) };
    case "msgpack":
      return { ...original, root: plainToMsgpack(plain, original.root as MsgpackNode) };
    case "repr":
      throw new CodecError("repr", "str() output is not a serialization and cannot be written back");
    case "counter":
      if (typeof plain !== "bigint" && typeof plain !== "number") throw new CodecError("counter", "a counter holds a number");
      return { format: "counter", value: plain, text: counterText(plain, original) };
    case "int64":
      if (typeof plain !== "bigint") throw new CodecError("int64", "an int64 counter holds an integer");
      return { format: "int64", value: plain };
    case "text":
      if (typeof plain !== "string") throw new CodecError("text", "text holds a string");
      return { format: "text", text: plain };
    case "binary":
      if (!(plain instanceof Uint8Array)) throw new CodecError("binary", "binary holds bytes");
      return { format: "binary", bytes: plain };
    case "compressed":
    case "base64":
      return { ...original, value: fromPlain(original.value, plain) };
  }
}

interface Editability {
  readonly editable: boolean;
  readonly reason: string;
}

/**
 * Whether the editor may write this value. Pickles holding class instances are editable only when our
 * pickler reproduces the original bytes exactly, which proves untouched objects will be written back as
 * they were; otherwise they are view-only.
 */
export function editability(value: DecodedValue, originalBytes?: Uint8Array): Editability {
  switch (value.format) {
    case "repr":
      return { editable: false, reason: "str() output is display text, not a serialization" };
    case "pickle": {
      if (isPlainPickle(value.root)) return { editable: true, reason: "plain Python data" };
      if (!originalBytes) return { editable: false, reason: "contains objects; pass the original bytes to check they round-trip" };
      try {
        if (bytesEqual(encodePickle(value.root, value.protocol), originalBytes)) {
          return { editable: true, reason: "contains objects that are written back byte for byte" };
        }
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
      }
      return { editable: false, reason: "contains objects that cannot be written back exactly" };
    }
    case "compressed":
    case "base64":
      return editability(value.value, value.inner);
    default:
      return { editable: true, reason: "" };
  }
}

/** A short label such as `zlib → pickle protocol 5` or `JSON (compact)`. */
export function formatLabel(value: DecodedValue): string {
  switch (value.format) {
    case "pickle":
      return `pickle protocol ${value.protocol}`;
    case "json": {
      const s = value.style;
      const spacing = s.indent !== null ? `indent ${s.indent}` : s.itemSeparator === "," ? "compact" : "Python json.dumps";
      return `JSON (${spacing})`;
    }
    case "msgpack":
      return "msgpack";
    case "repr":
      return "Python repr";
    case "counter":
      return typeof value.value === "bigint" ? "integer counter" : "float counter";
    case "int64":
      return "int64 counter";
    case "text":
      return "text";
    case "binary":
      return "binary";
    case "compressed":
      return `${value.algorithm} → ${formatLabel(value.value)}`;
    case "base64":
      return `base64 → ${formatLabel(value.value)}`;
  }
}

/** One-line-or-more display text in Python notation, cut at `maxChars`. */
export function renderText(value: DecodedValue, maxChars = 100_000): string {
  switch (value.format) {
    case "pickle":
      return renderPickle(value.root, maxChars);
    case "compressed":
    case "base64":
      return renderText(value.value, maxChars);
    case "text":
      return value.text.length > maxChars ? `${value.text.slice(0, maxChars)}…` : value.text;
    case "repr":
      return value.text.length > maxChars ? `${value.text.slice(0, maxChars)}…` : value.text;
    default: {
      const text = plainText(toPlain(value), maxChars);
      return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
    }
  }
}

function plainText(v: PlainValue, budget: number): string {
  const parts: string[] = [];
  let size = 0;
  const seen = new Set<object>();
  const emit = (s: string) => {
    parts.push(s);
    size += s.length;
  };
  const walk = (x: PlainValue): void => {
    if (size > budget) return;
    if (x === null) return emit("None");
    if (typeof x === "boolean") return emit(x ? "True" : "False");
    if (typeof x === "bigint") return emit(x.toString());
    if (typeof x === "number") return emit(pythonFloatRepr(x));
    if (typeof x === "string") return emit(pyStrRepr(x));
    if (x instanceof Uint8Array) return emit(pyBytesRepr(x));
    if (seen.has(x)) return emit("...");
    seen.add(x);
    const list = (open: string, items: PlainValue[], close: string) => {
      emit(open);
      items.forEach((item, i) => {
        if (i > 0) emit(", ");
        walk(item);
      });
      emit(close);
    };
    if (Array.isArray(x)) list("[", x, "]");
    else {
      switch (x.kind) {
        case "dict":
          if (x.ordered) {
            emit("OrderedDict([");
            x.entries.forEach(([k, val], i) => {
              emit(i > 0 ? ", (" : "(");
              walk(k);
              emit(", ");
              walk(val);
              emit(")");
            });
            emit("])");
            break;
          }
          emit("{");
          x.entries.forEach(([k, val], i) => {
            if (i > 0) emit(", ");
            walk(k);
            emit(": ");
            walk(val);
          });
          emit("}");
          break;
        case "pyobject":
          emit(pyObjectRepr(x));
          break;
        case "tuple":
          list("(", x.items, x.items.length === 1 ? ",)" : ")");
          break;
        case "set":
        case "frozenset":
          if (x.items.length === 0) emit(`${x.kind}()`);
          else if (x.kind === "set") list("{", x.items, "}");
          else list("frozenset({", x.items, "})");
          break;
        case "bytearray":
          emit(`bytearray(${pyBytesRepr(x.bytes)})`);
          break;
        case "float32":
          emit(pythonFloatRepr(x.value));
          break;
        case "ext":
          emit(`ExtType(${x.type}, ${pyBytesRepr(x.data)})`);
          break;
        case "timestamp":
          emit(`Timestamp(seconds=${x.seconds}, nanoseconds=${x.nanoseconds})`);
          break;
        case "opaque":
          emit(x.text);
          break;
      }
    }
    seen.delete(x);
  };
  walk(v);
  return parts.join("");
}
