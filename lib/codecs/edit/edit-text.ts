import { CodecError, decode, editability, encode, fromHex, fromPlain, toHex, toPlain, tryUtf8, type DecodedValue, type PlainValue } from "..";
import { literalProblem, pythonLiteral } from "./python-literal";

/** How the editor shows a value as text: each mode has a parser that turns the text back into the value. */
export type EditMode = "json" | "python" | "counter" | "int64" | "text" | "hex";

type EditableText = { mode: EditMode; text: string } | { mode: null; reason: string };

const encoder = new TextEncoder();

/** Compression and base64 wrappers are transparent: the editor works on the value inside them. */
export function innermost(value: DecodedValue): DecodedValue {
  return value.format === "compressed" || value.format === "base64" ? innermost(value.value) : value;
}

/** Pretty JSON with the value's own number spellings; only for showing and editing, never written as is. */
export function prettyJson(value: DecodedValue & { format: "json" }): string {
  const style = { ...value.style, itemSeparator: ",", keySeparator: ": ", indent: 2, ensureAscii: false, escapeSlash: false, trailing: "" };
  return tryUtf8(encode({ ...value, style })) ?? "";
}

export function editableText(value: DecodedValue, originalBytes: Uint8Array): EditableText {
  const allowed = editability(value, originalBytes);
  if (!allowed.editable) return { mode: null, reason: allowed.reason };
  const inner = innermost(value);
  switch (inner.format) {
    case "json":
      return { mode: "json", text: prettyJson(inner) };
    case "pickle":
    case "msgpack": {
      const plain = toPlain(inner);
      const problem = literalProblem(plain);
      if (problem) return { mode: null, reason: `Only plain data can be edited here, and ${problem}.` };
      return { mode: "python", text: pythonLiteral(plain) };
    }
    case "counter":
      return { mode: "counter", text: inner.text };
    case "int64":
      return { mode: "int64", text: inner.value.toString() };
    case "text":
      return { mode: "text", text: inner.text };
    case "binary":
      return { mode: "hex", text: toHex(inner.bytes, " ") };
    default:
      return { mode: null, reason: `${inner.format} values cannot be written back.` };
  }
}

function parsePlain(mode: EditMode, text: string): PlainValue {
  switch (mode) {
    case "json":
      return toPlain(decode(encoder.encode(text), "json"));
    case "python": {
      const parsed = toPlain(decode(encoder.encode(text), "repr"));
      const problem = literalProblem(parsed);
      if (problem) throw new CodecError("repr", `Not a Python literal: ${problem}`);
      return parsed;
    }
    case "counter": {
      const decoded = decode(encoder.encode(text.trim()), "counter");
      return decoded.format === "counter" ? decoded.value : 0n;
    }
    case "int64":
      if (!/^-?\d{1,19}$/.test(text.trim())) throw new CodecError("int64", "An int64 counter holds a whole number");
      return BigInt(text.trim());
    case "text":
      return text;
    case "hex": {
      const bytes = fromHex(text);
      if (!bytes) throw new CodecError("binary", "Not hex: use pairs of 0-9 a-f");
      return bytes;
    }
  }
}

/**
 * The bytes to store for edited text: parsed in the editor's mode, then written in the format, protocol,
 * spacing and compression the value was read with. Throws `CodecError` with a message for the person.
 */
export function bytesFromText(original: DecodedValue, mode: EditMode, text: string): Uint8Array {
  return encode(fromPlain(original, parsePlain(mode, text)));
}

/** A number set on a counter, written in the counter's own format (ASCII, JSON number or int64). */
export function bytesForNumber(original: DecodedValue, value: bigint | number): Uint8Array {
  return encode(fromPlain(original, value));
}
