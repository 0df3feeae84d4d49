import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyFromParam, keyHex, keyText, keyToParam } from "@/lib/key-text";

describe("key text", () => {
  it("shows UTF-8 keys as they are", () => {
    expect(keyText(Buffer.from(":1:views.decorators.cache.cache_page.ünïcode"))).toEqual({
      text: ":1:views.decorators.cache.cache_page.ünïcode",
      binary: false,
    });
  });

  it("escapes bytes that are not text, keeping the readable parts", () => {
    expect(keyText(Buffer.from([0xff, 0xfe, 0x00, 0x61, 0x62, 0x63]))).toEqual({ text: "\\xff\\xfe\\x00abc", binary: true });
    expect(keyText(Buffer.from("a\nb\\c"))).toEqual({ text: "a\\x0ab\\\\c", binary: true });
    expect(keyHex(Buffer.from([0xff, 0x00]))).toBe("ff 00");
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
