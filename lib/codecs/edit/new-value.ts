import { CodecError, decode, encode, fromHex, fromPlain, toPlain } from "..";
import { PYMEMCACHE_FLAGS } from "../pymemcache";
import { literalProblem } from "./python-literal";

/** Formats a new string value can be written in, as the Python libraries write them. */
export const NEW_VALUE_FORMATS = {
  text: "Text (UTF-8)",
  json: "JSON",
  pickle5: "Pickle, protocol 5 (Django)",
  pickle4: "Pickle, protocol 4 (django-redis, aiocache)",
  msgpack: "msgpack",
  counter: "Counter (ASCII number)",
  hex: "Raw bytes (hex)",
} as const;

export type NewValueFormat = keyof typeof NEW_VALUE_FORMATS;

const encoder = new TextEncoder();

function pythonValue(text: string) {
  const plain = toPlain(decode(encoder.encode(text), "repr"));
  const problem = literalProblem(plain);
  if (problem) throw new CodecError("repr", `Not a Python literal: ${problem}`);
  return plain;
}

/** Bytes for a new value typed as text; throws `CodecError` when the text is not in the chosen format. */
export function newValueBytes(format: NewValueFormat, text: string): Uint8Array {
  switch (format) {
    case "text":
      return encoder.encode(text);
    case "json":
      decode(encoder.encode(text), "json");
      return encoder.encode(text);
    case "pickle5":
    case "pickle4":
      return encode(fromPlain({ format: "pickle", protocol: format === "pickle5" ? 5 : 4, root: { t: "none" } }, pythonValue(text)));
    case "msgpack":
      return encode(fromPlain({ format: "msgpack", root: { t: "nil" } }, pythonValue(text)));
    case "counter":
      decode(encoder.encode(text.trim()), "counter");
      return encoder.encode(text.trim());
    case "hex": {
      const bytes = fromHex(text);
      if (!bytes) throw new CodecError("binary", "Not hex: use pairs of 0-9 a-f");
      return bytes;
    }
  }
}

/** pymemcache's type flags, so Django's memcached backend reads a value created here as the right type. */
export function pymemcacheFlags(format: NewValueFormat): number | undefined {
  if (format === "pickle5" || format === "pickle4") return PYMEMCACHE_FLAGS.pickle;
  if (format === "counter") return PYMEMCACHE_FLAGS.int;
  return undefined;
}
