import { describe, expect, it } from "vitest";
import { analyze, detect, editability, formatLabel, renderText, type ValueFormat } from "@/lib/codecs";
import { loadVectors } from "./vectors";

const hexBytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s/g, ""), "hex"));
const text = (s: string) => new Uint8Array(Buffer.from(s));

describe("detect: the docs/formats.md reference bytes", () => {
  it.each<[string, Uint8Array, ValueFormat, string]>([
    ["stdlib json.dumps", text('{"a": 1, "b": [1, 2]}'), "json", "JSON (Python json.dumps)"],
    ["compact JSON", text('{"a":1,"b":[1,2]}'), "json", "JSON (compact)"],
    ["JSON string", text('"hello"'), "json", "JSON (Python json.dumps)"],
    ["pickle 4 dict", hexBytes("80049517000000000000007d94288c016194 4b018c0162945d94284b014b026575 2e"), "pickle", "pickle protocol 4"],
    ["pickle 5 int", hexBytes("80054b2a2e"), "pickle", "pickle protocol 5"],
    ["msgpack dict", hexBytes("82a16101a16292 0102"), "msgpack", "msgpack"],
    ["msgpack str", hexBytes("a568656c6c6f"), "msgpack", "msgpack"],
    ["Python repr", text("{'a': 1, 'b': [1, 2]}"), "repr", "Python repr"],
    ["ASCII counter", text("42"), "counter", "integer counter"],
    ["float counter", text("3.14"), "counter", "float counter"],
    ["plain text", text("hello"), "text", "text"],
    ["uuid lock value", text("4b0e3c1e-5a8b-4f4e-9a57-0f3b5c2d9e11"), "text", "text"],
    ["binary", hexBytes("00ff10ee"), "binary", "binary"],
  ])("%s", (_name, bytes, format, label) => {
    const { candidates, value } = analyze(bytes);
    expect(candidates[0].format).toBe(format);
    expect(formatLabel(value)).toBe(label);
    expect(candidates.at(-1)!.format).toBe("binary");
  });

  it("short bytes of control characters are binary, not text that looks empty", () => {
    for (const bytes of [hexBytes("000102"), hexBytes("0001"), hexBytes("1b5b306d07")]) {
      const { candidates, value } = analyze(bytes);
      expect(value.format).toBe("binary");
      expect(candidates.map((c) => c.format)).toContain("text");
    }
    expect(analyze(text("line one\nline two\ttabbed")).value.format).toBe("text");
    expect(analyze(new Uint8Array(0)).value.format).toBe("text");
  });

  it("renders the reference dict the same in every format", () => {
    const forms = [
      text('{"a": 1, "b": [1, 2]}'),
      hexBytes("80049517000000000000007d94288c016194 4b018c0162945d94284b014b026575 2e"),
      hexBytes("82a16101a16292 0102"),
      text("{'a': 1, 'b': [1, 2]}"),
    ];
    for (const b of forms) expect(renderText(analyze(b).value)).toBe("{'a': 1, 'b': [1, 2]}");
  });

  it("an 8-byte value from uWSGI is a counter", () => {
    const counter = hexBytes("2a00000000000000");
    expect(detect(counter, { uwsgi: true })[0].format).toBe("int64");
    expect(detect(counter, { uwsgiFlags: 0x232 })[0]).toMatchObject({ format: "int64", confidence: 0.99 });
    expect(analyze(counter, { uwsgi: true }).value).toEqual({ format: "int64", value: 42n });
    const unhinted = detect(counter).find((c) => c.format === "int64")!;
    expect(unhinted.confidence).toBeLessThan(0.5);
  });

  it("uses pymemcache flags", () => {
    const pickled = hexBytes("80044b2a2e");
    expect(detect(pickled, { memcachedFlags: 1 })[0].format).toBe("pickle");
    expect(detect(text("42"), { memcachedFlags: 2 })[0].format).toBe("counter");
  });

  it("ranks a truncated pickle by its header", () => {
    const prefix = hexBytes("80049517000000000000007d94288c01");
    expect(detect(prefix, { truncated: true })[0].format).toBe("pickle");
    expect(analyze(prefix, { truncated: true }).value.format).toBe("binary");
  });

  it("sees through compression to the inner format", () => {
    for (const v of loadVectors("compressed")) {
      const { value } = analyze(v.bytes);
      expect(value.format).toBe("compressed");
      expect(formatLabel(value)).toMatch(new RegExp(`^${v.algorithm} → `));
    }
  });

  it("recognises a Litestar StorageObject", () => {
    const v = loadVectors("msgpack").find((x) => x.id === "msgpack-litestar-storage")!;
    expect(detect(v.bytes)[0]).toMatchObject({ format: "msgpack", reason: "Litestar StorageObject" });
  });

  it("recognises a Litestar cached response", () => {
    const v = loadVectors("msgpack").find((x) => x.id === "msgpack-litestar-response")!;
    expect(detect(v.bytes)[0]).toMatchObject({ format: "msgpack", reason: "Litestar response cache (ASGI messages)" });
  });

  it("sees base64 of a pickle", () => {
    const b64 = text(Buffer.from(hexBytes("80049517000000000000007d94288c016194 4b018c0162945d94284b014b026575 2e")).toString("base64"));
    const { value } = analyze(b64);
    expect(formatLabel(value)).toBe("base64 → pickle protocol 4");
  });

  it("reads a run of letters that happens to be base64 of one msgpack string as text, and keeps base64 of a msgpack map", () => {
    // "u" × 36 decodes to 27 bytes: a fixstr header (0xba, 26 bytes) and its body, so it is valid msgpack.
    expect(formatLabel(analyze(text("u".repeat(36))).value)).toBe("text");
    // {"a": 1, "b": [1, 2, 3]}
    const b64 = text(Buffer.from([0x82, 0xa1, 0x61, 0x01, 0xa1, 0x62, 0x93, 0x01, 0x02, 0x03]).toString("base64"));
    expect(b64.length % 4).toBe(0);
    expect(formatLabel(analyze(b64).value)).toMatch(/^base64 → msgpack/);
  });
});

describe("editability", () => {
  const pickles = loadVectors("pickle");
  it("plain data is editable, str() output never", () => {
    const d = pickles.find((v) => v.id === "pickle-p4-dict-nested")!;
    expect(editability(analyze(d.bytes).value).editable).toBe(true);
    expect(editability(analyze(text("{'a': 1}")).value).editable).toBe(false);
  });

  it("allow-listed stdlib objects are editable as data", () => {
    const mixed = pickles.find((v) => v.id === "pickle-p4-mixed")!;
    expect(editability(analyze(mixed.bytes).value).editable).toBe(true);
  });

  it("other objects are editable only when they round-trip exactly", () => {
    const dt = pickles.find((v) => v.id === "pickle-p4-point")!;
    const { value } = analyze(dt.bytes);
    expect(editability(value).editable).toBe(false);
    expect(editability(value, dt.bytes).editable).toBe(true);
    const tampered = new Uint8Array(dt.bytes);
    tampered[2] = 0x00;
    expect(editability(value, tampered).editable).toBe(false);
  });
});
