import { describe, expect, it } from "vitest";
import { ArgsError, argText, joinArgs, splitArgs } from "@/lib/wire/console-args";

const text = (args: Uint8Array[]) => args.map((a) => Buffer.from(a).toString("latin1"));

describe("console argument splitting (redis-cli rules)", () => {
  it("splits on spaces and keeps quoted spaces", () => {
    expect(text(splitArgs('  SET  "a b"   \'c d\' e  '))).toEqual(["SET", "a b", "c d", "e"]);
    expect(text(splitArgs('SET k ""'))).toEqual(["SET", "k", ""]);
    expect(splitArgs("   ")).toEqual([]);
  });

  it("reads escapes in double quotes, only \\' in single quotes", () => {
    expect([...splitArgs('"\\x00\\xff\\n\\r\\t\\a\\b\\"\\\\\\q"')[0]]).toEqual([0, 0xff, 10, 13, 9, 7, 8, 34, 92, 113]);
    expect(text(splitArgs("'it\\'s \\x00'"))).toEqual(["it's \\x00"]);
    expect(Buffer.from(splitArgs("é")[0])).toEqual(Buffer.from("é", "utf8"));
  });

  it("refuses unbalanced quotes and a quote glued to the next word", () => {
    expect(() => splitArgs('GET "open')).toThrow(ArgsError);
    expect(() => splitArgs("GET 'open")).toThrow(ArgsError);
    expect(() => splitArgs('GET "a"b')).toThrow(/followed by a space/);
  });

  it("writes arguments back as text that splits into the same bytes", () => {
    const samples = [Buffer.from("plain"), Buffer.from(""), Buffer.from("a b"), Buffer.from([0, 1, 0xff, 0x22, 0x5c, 0x27]), Buffer.from("naïve\u202e"), Buffer.from("x\ny")];
    for (const sample of samples) expect(Buffer.from(splitArgs(argText(sample))[0] ?? [])).toEqual(sample);
    expect(argText(Buffer.from([0x61, 0, 0x62]))).toBe('"a\\x00b"');
    expect(joinArgs([Buffer.from("AUTH"), Buffer.from("(redacted)")])).toBe("AUTH (redacted)");
  });
});
