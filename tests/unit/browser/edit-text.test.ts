import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bytesForNumber, bytesFromText, editableText } from "@/lib/codecs/edit/edit-text";
import { analyze, fromHex } from "@/lib/codecs";

const python = (code: string, input: Uint8Array): string =>
  execFileSync("/usr/bin/python3", ["-c", code], { input: Buffer.from(input) }).toString().trim();

function edit(bytes: Uint8Array, change: (text: string) => string): Uint8Array {
  const { value } = analyze(bytes);
  const editable = editableText(value, bytes);
  if (!editable.mode) throw new Error(editable.reason);
  return bytesFromText(value, editable.mode, change(editable.text));
}

describe("editing a value as text", () => {
  it("writes an edited pickle with the protocol it was read with", () => {
    const original = execFileSync("/usr/bin/python3", [
      "-c",
      "import pickle,sys; sys.stdout.buffer.write(pickle.dumps({'name': 'Ada', 'roles': ['admin', 'dev'], 'active': True, 'score': 9.5, 't': (1,), 's': {3}}, 5))",
    ]);
    const edited = edit(original, (text) => text.replace("'Ada'", "'Grace'"));
    expect(edited[1]).toBe(5);
    expect(python("import pickle,sys; d = pickle.loads(sys.stdin.buffer.read()); print(repr(sorted(d.items())))", edited)).toBe(
      "[('active', True), ('name', 'Grace'), ('roles', ['admin', 'dev']), ('s', {3}), ('score', 9.5), ('t', (1,))]",
    );
  });

  it("gives back the same bytes when nothing changed", () => {
    const json = new TextEncoder().encode('{"a": 1, "b": [1, 2.0], "c": "\\u00e9"}');
    expect(Buffer.from(edit(json, (text) => text)).toString()).toBe('{"a": 1, "b": [1, 2.0], "c": "\\u00e9"}');
    const msgpack = fromHex("82 a1 61 01 a1 62 92 01 02")!;
    expect(Buffer.from(edit(msgpack, (text) => text)).equals(Buffer.from(msgpack))).toBe(true);
  });

  it("keeps JSON spacing when a field changes", () => {
    const json = new TextEncoder().encode('{"a":1,"b":[1,2]}');
    expect(Buffer.from(edit(json, (text) => text.replace('"a": 1', '"a": 7'))).toString()).toBe('{"a":7,"b":[1,2]}');
  });

  it("refuses pickled objects outside the stdlib allow-list, with the reason", () => {
    const bytes = execFileSync("/usr/bin/python3", ["-c", "import pickle,sys,fractions; sys.stdout.buffer.write(pickle.dumps({'at': fractions.Fraction(1, 3)}, 4))"]);
    const { value } = analyze(bytes);
    const editable = editableText(value, bytes);
    expect(editable.mode).toBeNull();
    if (!editable.mode) expect(editable.reason).toMatch(/fractions\.Fraction/);
  });

  it("edits a pickled date as a Python literal", () => {
    const bytes = execFileSync("/usr/bin/python3", ["-c", "import pickle,sys,datetime; sys.stdout.buffer.write(pickle.dumps({'at': datetime.date(2026, 1, 2)}, 4))"]);
    const edited = edit(bytes, (text) => text.replace("datetime.date(2026, 1, 2)", "datetime.date(2027, 3, 4)"));
    expect(python("import pickle,sys; print(repr(pickle.loads(sys.stdin.buffer.read())))", edited)).toBe("{'at': datetime.date(2027, 3, 4)}");
  });

  it("sets counters in their own format", () => {
    const int64 = analyze(fromHex("2a 00 00 00 00 00 00 00")!, { uwsgi: true }).value;
    expect(Buffer.from(bytesForNumber(int64, 7n)).toString("hex")).toBe("0700000000000000");
    const ascii = analyze(new TextEncoder().encode("41")).value;
    expect(Buffer.from(bytesForNumber(ascii, 100n)).toString()).toBe("100");
  });
});
