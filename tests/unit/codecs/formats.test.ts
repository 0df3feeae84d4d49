import { describe, expect, it } from "vitest";
import { analyze, CodecError, decode, encode, fromPlain, toPlain, type DecodedValue, type ValueFormat } from "@/lib/codecs";
import { decodeJson, encodeJson } from "@/lib/codecs/json";
import { pythonFloatRepr } from "@/lib/codecs/python-float";
import { loadVectors, plainDesc } from "./vectors";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe.each([
  ["json", "json"],
  ["msgpack", "msgpack"],
  ["counter", "counter"],
  ["int64", "int64"],
])("%s vectors from Python", (group, format) => {
  const vectors = loadVectors(group);
  it("has vectors", () => expect(vectors.length).toBeGreaterThan(3));

  it.each(vectors.map((v) => [v.id, v] as const))("%s decodes to what Python wrote", (_id, v) => {
    const decoded = decode(v.bytes, format as ValueFormat);
    expect(decoded.format).toBe(format);
    if (v.expect) expect(plainDesc(toPlain(decoded))).toEqual(v.expect);
  });

  it.each(vectors.map((v) => [v.id, v] as const))("%s re-encodes byte for byte", (_id, v) => {
    const decoded = decode(v.bytes, format as ValueFormat);
    expect(hex(encode(decoded))).toBe(hex(v.bytes));
    expect(hex(encode(fromPlain(decoded, toPlain(decoded))))).toBe(hex(v.bytes));
  });
});

describe("Python repr (read-only)", () => {
  const vectors = loadVectors("repr");
  it.each(vectors.map((v) => [v.id, v] as const))("%s parses like Python's ast.literal_eval", (_id, v) => {
    const decoded = decode(v.bytes, "repr");
    expect(plainDesc(toPlain(decoded))).toEqual(v.expect);
    expect(() => fromPlain(decoded, toPlain(decoded))).toThrow(CodecError);
  });

  it("keeps calls such as datetimes as opaque text", () => {
    const decoded = decode(Buffer.from("{'when': datetime.date(2026, 1, 2), 'obj': <Foo object at 0x7f>}"), "repr");
    expect(plainDesc(toPlain(decoded))).toEqual([
      "dict",
      [
        [["str", "when"], ["repr", "datetime.date(2026, 1, 2)"]],
        [["str", "obj"], ["repr", "<Foo object at 0x7f>"]],
      ],
    ]);
  });
});

describe("compressed values", () => {
  it.each(loadVectors("compressed").map((v) => [v.id, v] as const))("%s decodes the inner value and writes the original back", (_id, v) => {
    const { value } = analyze(v.bytes);
    expect(value.format).toBe("compressed");
    expect(hex(encode(value))).toBe(hex(v.bytes));
    expect(hex(encode(fromPlain(value, toPlain(value))))).toBe(hex(v.bytes));
  });

  it("re-compresses an edited inner value in the same algorithm", () => {
    const v = loadVectors("compressed").find((x) => x.id === "compressed-xz")!;
    const { value } = analyze(v.bytes);
    if (value.format !== "compressed") throw new Error("expected compressed");
    expect(value.value.format).toBe("pickle");
    const edited = fromPlain(value, { kind: "dict", entries: [["a", 2n]] });
    const back = analyze(encode(edited)).value as DecodedValue & { format: "compressed" };
    expect(back.algorithm).toBe("xz");
    expect(plainDesc(toPlain(back))).toEqual(["dict", [[["str", "a"], ["int", "2"]]]]);
  });
});

describe("JSON style", () => {
  it.each([
    ['{"a": 1, "b": [1, 2]}', "stdlib"],
    ['{"a":1,"b":[1,2]}', "compact"],
    ['{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}', "indent"],
    ['"caf\\u00e9"', "ensure_ascii"],
    ['"café"', "raw UTF-8"],
    ['{"url":"http:\\/\\/x"}', "ujson slashes"],
    ['{"a": 1}\n', "trailing newline"],
  ])("writes an edit of %j in the same %s style", (text) => {
    const decoded = decodeJson(Buffer.from(text));
    expect(Buffer.from(encodeJson(decoded)).toString()).toBe(text);
  });

  it("keeps ints and floats apart", () => {
    const decoded = decode(Buffer.from('{"i": 1, "f": 1.0, "big": 123456789012345678901234567890}'), "json");
    const plain = toPlain(decoded);
    expect(plainDesc(plain)).toEqual([
      "dict",
      [
        [["str", "i"], ["int", "1"]],
        [["str", "f"], ["float", "3ff0000000000000"]],
        [["str", "big"], ["int", "123456789012345678901234567890"]],
      ],
    ]);
    const edited = fromPlain(decoded, { kind: "dict", entries: [["i", 2n], ["f", 2.5], ["new", 1e16]] });
    expect(Buffer.from(encode(edited)).toString()).toBe('{"i": 2, "f": 2.5, "new": 1e+16}');
  });
});

describe("Python float repr", () => {
  it.each([
    [1.5, "1.5"],
    [1e16, "1e+16"],
    [1234567890123456, "1234567890123456.0"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [-0, "-0.0"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [123456789.125, "123456789.125"],
  ])("%s → %s", (x, text) => expect(pythonFloatRepr(x)).toBe(text));
});

describe("counters", () => {
  it("writes an edited counter as Python's str()", () => {
    const decoded = decode(Buffer.from("42"), "counter");
    expect(Buffer.from(encode(fromPlain(decoded, 43n))).toString()).toBe("43");
    expect(Buffer.from(encode(fromPlain(decoded, 2.5))).toString()).toBe("2.5");
  });

  it("keeps an unchanged counter's spelling", () => {
    const decoded = decode(Buffer.from("007"), "counter");
    expect(Buffer.from(encode(fromPlain(decoded, toPlain(decoded)))).toString()).toBe("007");
  });

  it("writes int64 counters little-endian", () => {
    const decoded = decode(Buffer.from("2a00000000000000", "hex"), "int64");
    expect(toPlain(decoded)).toBe(42n);
    expect(hex(encode(fromPlain(decoded, -1n)))).toBe("ffffffffffffffff");
  });
});
