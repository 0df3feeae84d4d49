import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode, encode, fromPlain, toPlain, type PlainValue } from "@/lib/codecs";
import { isUtf8 } from "@/lib/codecs/bytes";
import { decodeJson, encodeJson, plainToJson, type JsonStyle, PYTHON_JSON_STYLE } from "@/lib/codecs/json";
import { decodeMsgpack } from "@/lib/codecs/msgpack/decode";
import { encodeMsgpack } from "@/lib/codecs/msgpack/encode";
import { plainToMsgpack } from "@/lib/codecs/msgpack/plain";
import { decodePickle } from "@/lib/codecs/pickle/decode";
import { encodePickle } from "@/lib/codecs/pickle/encode";
import { plainToPickle } from "@/lib/codecs/pickle/plain";
import { parsePythonFloat, pythonFloatRepr } from "@/lib/codecs/python-float";
import { plainDesc } from "./vectors";

const text = fc.string({ unit: "binary", maxLength: 20 });
const key = fc.oneof(text, fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }));

/** Values of the types the pickle editor may write (ints of any size, every float, sets of hashables). */
const picklePlain: fc.Arbitrary<PlainValue> = fc.letrec<{ value: PlainValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
    fc.double(),
    text,
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.array(tie("value"), { maxLength: 4 }).map((items): PlainValue => ({ kind: "tuple", items })),
    fc.uniqueArray(key, { maxLength: 5, comparator: (a, b) => typeof a === typeof b && a === b }).map((items): PlainValue => ({ kind: "set", items })),
    fc.uniqueArray(fc.tuple(key, tie("value")), { maxLength: 5, selector: ([k]) => `${typeof k}:${String(k)}` }).map(
      (entries): PlainValue => ({ kind: "dict", entries }),
    ),
  ),
})).value;

const jsonPlain: fc.Arbitrary<PlainValue> = fc.letrec<{ value: PlainValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }),
    fc.double({ noNaN: false }),
    text,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.uniqueArray(fc.tuple(text, tie("value")), { maxLength: 5, selector: ([k]) => k }).map((entries): PlainValue => ({ kind: "dict", entries })),
  ),
})).value;

const msgpackPlain: fc.Arbitrary<PlainValue> = fc.letrec<{ value: PlainValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.record({ kind: fc.constant("ext" as const), type: fc.integer({ min: 0, max: 127 }), data: fc.uint8Array({ maxLength: 20 }) }),
    fc.record({ kind: fc.constant("timestamp" as const), seconds: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), nanoseconds: fc.integer({ min: 0, max: 999_999_999 }) }),
    fc.array(tie("value"), { maxLength: 20 }),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 5 }).map((entries): PlainValue => ({ kind: "dict", entries })),
  ),
})).value;

describe("property: pickle", () => {
  it.each([0, 1, 2, 3, 4, 5])("protocol %i: decode(encode(v)) is v, and re-encoding is stable", (protocol) => {
    fc.assert(
      fc.property(picklePlain, (value) => {
        const bytes = encodePickle(plainToPickle(value), protocol);
        const decoded = decodePickle(bytes);
        expect(plainDesc(toPlain(decoded))).toEqual(plainDesc(value));
        expect(Buffer.from(encodePickle(decoded.root, protocol)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("editing one item keeps the rest byte-identical in place", () => {
    fc.assert(
      fc.property(fc.array(picklePlain, { minLength: 2, maxLength: 6 }), fc.bigInt(), (items, replacement) => {
        const original = decode(encodePickle(plainToPickle(items), 4), "pickle");
        const plain = toPlain(original) as PlainValue[];
        const edited = fromPlain(original, [replacement, ...plain.slice(1)]);
        const back = toPlain(decode(encode(edited), "pickle")) as PlainValue[];
        expect(plainDesc(back)).toEqual(plainDesc([replacement, ...items.slice(1)]));
      }),
      { numRuns: 100 },
    );
  });
});

describe("property: JSON", () => {
  const styles: JsonStyle[] = [
    PYTHON_JSON_STYLE,
    { ...PYTHON_JSON_STYLE, itemSeparator: ",", keySeparator: ":" },
    { ...PYTHON_JSON_STYLE, itemSeparator: ",", indent: 2 },
    { ...PYTHON_JSON_STYLE, ensureAscii: false, escapeSlash: true },
  ];
  it.each(styles.map((s, i) => [i, s] as const))("style %i: round trip and stable bytes", (_i, style) => {
    fc.assert(
      fc.property(jsonPlain, (value) => {
        const bytes = encodeJson({ format: "json", style, root: plainToJson(value) });
        const decoded = decodeJson(bytes);
        expect(plainDesc(toPlain(decoded))).toEqual(plainDesc(value));
        expect(Buffer.from(encodeJson(decoded)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("property: msgpack", () => {
  it("round trip and stable bytes", () => {
    fc.assert(
      fc.property(msgpackPlain, (value) => {
        const bytes = encodeMsgpack({ format: "msgpack", root: plainToMsgpack(value) });
        const decoded = decodeMsgpack(bytes);
        expect(plainDesc(toPlain(decoded))).toEqual(plainDesc(value));
        expect(Buffer.from(encodeMsgpack(decoded)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("property: Python float repr", () => {
  it("reads back to the same double", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(Object.is(parsePythonFloat(pythonFloatRepr(x)), x)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("property: UTF-8 check", () => {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  const agrees = (b: Uint8Array) => {
    let valid = true;
    try {
      fatal.decode(b);
    } catch {
      valid = false;
    }
    expect(isUtf8(b)).toBe(valid);
  };
  it("agrees with a fatal TextDecoder on random and on mostly-valid bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), agrees), { numRuns: 3000 });
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), fc.nat(), fc.nat(255), (s, at, byte) => {
        const b = new TextEncoder().encode(s);
        if (b.length > 0) b[at % b.length] = byte;
        agrees(b);
      }),
      { numRuns: 3000 },
    );
  });
});
