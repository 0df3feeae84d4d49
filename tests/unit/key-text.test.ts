import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64ToText, keyFromParam, keyHex, keyText, keyToParam, textToBase64 } from "@/lib/wire/keys";

describe("key text", () => {
  it("shows UTF-8 keys as they are", () => {
    expect(keyText(Buffer.from(":1:views.decorators.cache.cache_page.ünïcode"))).toEqual({
      text: ":1:views.decorators.cache.cache_page.ünïcode",
      binary: false,
      hidden: false,
    });
  });

  it("shows bidi overrides and invisible characters escaped, so a key cannot pose as another", () => {
    expect(keyText(Buffer.from("xss:rtl:\u202Egnp.exe"))).toEqual({ text: "xss:rtl:\\u202egnp.exe", binary: false, hidden: true });
    expect(keyText(Buffer.from("ad\u200Bmin"))).toEqual({ text: "ad\\u200bmin", binary: false, hidden: true });
    for (const invisible of ["\u2066", "\u200F", "\uFEFF", "\u00AD", "\u2060", "\u0085", "\u2028", "\u3164", "\u{E0041}"]) {
      const shown = keyText(Buffer.from(`a${invisible}b`));
      expect(shown.hidden, JSON.stringify(invisible)).toBe(true);
      expect(shown.text).toMatch(/^a\\u\{?[0-9a-f]{4,5}\}?b$/);
    }
    // A literal backslash is doubled once anything is escaped, so `\u200b` typed as text stays distinguishable.
    expect(keyText(Buffer.from("a\\u200b\u200B"))).toEqual({ text: "a\\\\u200b\\u200b", binary: false, hidden: true });
    expect(keyText(Buffer.from([0xff, 0xe2, 0x80, 0xae]))).toEqual({ text: "\\xff\\u202e", binary: true, hidden: true });
  });

  it("escapes bytes that are not text, keeping the readable parts", () => {
    expect(keyText(Buffer.from([0xff, 0xfe, 0x00, 0x61, 0x62, 0x63]))).toEqual({ text: "\\xff\\xfe\\x00abc", binary: true, hidden: false });
    expect(keyText(Buffer.from("a\nb\\c"))).toEqual({ text: "a\\x0ab\\\\c", binary: true, hidden: false });
    expect(keyHex(Buffer.from([0xff, 0x00]))).toBe("ff 00");
  });

  it("carries text (a sorted-set score's decimal text) as base64 of its UTF-8, as Node's Buffer does", () => {
    expect(textToBase64("-1.5e+300")).toBe(Buffer.from("-1.5e+300").toString("base64"));
    expect(base64ToText(Buffer.from("3.25").toString("base64"))).toBe("3.25");
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (text) => base64ToText(textToBase64(text)) === text && textToBase64(text) === Buffer.from(text).toString("base64")));
    expect(() => base64ToText("not base64!")).toThrow();
  });

  it("round-trips any bytes through URL parameters", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const param = keyToParam(bytes);
        expect(param).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(Buffer.from(keyFromParam(param))).toEqual(Buffer.from(bytes));
      }),
    );
  });
});
