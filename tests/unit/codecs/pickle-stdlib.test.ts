import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bytesFromText, editableText } from "@/lib/codecs/edit/edit-text";
import { newValueBytes } from "@/lib/codecs/edit/new-value";
import { pythonLiteral } from "@/lib/codecs/edit/python-literal";
import { analyze, CodecError, decode, encode, fromPlain, toPlain } from "@/lib/codecs";

const PYTHON = "/usr/bin/python3";
const PRELUDE =
  "import pickle, sys, json, datetime, decimal, uuid, collections\n" +
  "from datetime import timezone, timedelta\nfrom decimal import Decimal\nfrom uuid import UUID\nfrom collections import OrderedDict\n";

/** `pickle.dumps(eval(expr), p)` for protocols 0–5, and `repr(eval(expr))`, from CPython itself. */
function cpython(exprs: string[]): { repr: string; dumps: Buffer[] }[] {
  const code = `${PRELUDE}out = []\nfor e in json.load(sys.stdin):\n    v = eval(e)\n    out.append({'repr': repr(v), 'dumps': [pickle.dumps(v, p).hex() for p in range(6)]})\nprint(json.dumps(out))`;
  const text = execFileSync(PYTHON, ["-c", code], { input: JSON.stringify(exprs) }).toString();
  return (JSON.parse(text) as { repr: string; dumps: string[] }[]).map((r) => ({ repr: r.repr, dumps: r.dumps.map((h) => Buffer.from(h, "hex")) }));
}

function loads(bytes: Uint8Array, expr: string): boolean {
  const code = `${PRELUDE}v = pickle.loads(sys.stdin.buffer.read())\nprint(v == eval(${JSON.stringify(expr)}) and type(v) is type(eval(${JSON.stringify(expr)})))`;
  return execFileSync(PYTHON, ["-c", code], { input: Buffer.from(bytes) }).toString().trim() === "True";
}

const parse = (text: string) => toPlain(decode(new TextEncoder().encode(text), "repr"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

const VALUES = [
  "datetime.datetime(2024, 1, 2, 3, 4, 5, 6)",
  "datetime.datetime(2024, 1, 2, 3, 4)",
  "datetime.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc)",
  "datetime.datetime(2024, 1, 2, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))",
  "datetime.datetime(2024, 1, 2, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400), 'EST'))",
  "datetime.datetime(2024, 11, 3, 1, 30, fold=1)",
  "datetime.date(2026, 11, 21)",
  "datetime.time(3, 4, 5)",
  "datetime.time(23, 59, 59, 1, tzinfo=datetime.timezone.utc)",
  "datetime.timedelta(days=1, seconds=2, microseconds=3)",
  "datetime.timedelta(days=-1, seconds=86399)",
  "datetime.timedelta(0)",
  "Decimal('1.10')",
  "Decimal('-0.000001')",
  "Decimal('1E+3')",
  "Decimal('NaN')",
  "UUID('12345678-1234-5678-1234-567812345678')",
  "OrderedDict([('a', 1), ('b', [1, 2])])",
  "OrderedDict()",
  "OrderedDict([('only', None)])",
  "{1, 2, 3}",
  "frozenset({'x'})",
  "b'\\x00\\x01\\x02'",
  "b''",
  "[datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc), datetime.datetime(2025, 1, 2, tzinfo=datetime.timezone.utc), datetime.date(2024, 1, 1)]",
  "[UUID('12345678-1234-5678-1234-567812345678'), UUID('00000000-0000-0000-0000-000000000005')]",
  "{'when': datetime.datetime(2024, 1, 2, 3, 4, 5), 'price': Decimal('9.99'), 'id': UUID('12345678-1234-5678-1234-567812345678'), 'tags': {'a'}, 'frozen': frozenset({1}), 'raw': b'\\xff\\x00', 'order': OrderedDict([('x', 1)]), 'span': datetime.timedelta(seconds=30), 'day': datetime.date(2024, 1, 1), 'at': datetime.time(12, 0)}",
];

describe("stdlib objects in pickles, against CPython", () => {
  const expected = cpython(VALUES);

  it.each(VALUES.map((v, i) => [v, i] as const))("%s: the literal reads back as Python's repr and writes Python's bytes", (expr, i) => {
    const { repr, dumps } = expected[i];
    const plain = parse(expr);
    const oneLine = pythonLiteral(plain).replace(/([[{(])\n\s*/g, "$1").replace(/,\n\s*/g, ", ").replace(/\n\s*/g, "");
    expect(oneLine).toBe(repr);
    for (let p = 0; p <= 5; p++) {
      const fresh = encode(fromPlain({ format: "pickle", protocol: p, root: { t: "none" } }, plain));
      expect(hex(fresh), `protocol ${p}`).toBe(hex(dumps[p]));
    }
  });

  it.each(VALUES.map((v, i) => [v, i] as const))("%s: CPython's pickle is editable and an unchanged edit gives the same bytes", (_expr, i) => {
    for (let p = 0; p <= 5; p++) {
      const bytes = expected[i].dumps[p];
      const { value } = analyze(bytes);
      const editable = editableText(value, bytes);
      expect(editable.mode, `protocol ${p}`).toBe("python");
      if (!editable.mode) continue;
      expect(hex(bytesFromText(value, editable.mode, editable.text)), `protocol ${p}`).toBe(hex(bytes));
    }
  });

  it("an edit of one datetime and one Decimal matches what CPython writes for the edited object", () => {
    const before = "{'when': datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), 'then': datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc), 'price': Decimal('9.99'), 'id': UUID('12345678-1234-5678-1234-567812345678')}";
    const after = "{'when': datetime.datetime(2025, 6, 7, 8, 9, 10, tzinfo=datetime.timezone.utc), 'then': datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc), 'price': Decimal('10.50'), 'id': UUID('12345678-1234-5678-1234-567812345678')}";
    const [orig, want] = cpython([before, after]);
    for (const p of [2, 3, 4, 5]) {
      const bytes = orig.dumps[p];
      const { value } = analyze(bytes);
      const editable = editableText(value, bytes);
      if (!editable.mode) throw new Error(editable.reason);
      const text = editable.text.replace("datetime.datetime(2024, 1, 2, 3, 4, 5,", "datetime.datetime(2025, 6, 7, 8, 9, 10,").replace("Decimal('9.99')", "Decimal('10.50')");
      expect(text).not.toBe(editable.text);
      const edited = bytesFromText(value, editable.mode, text);
      expect(edited[1]).toBe(p);
      expect(loads(edited, after)).toBe(true);
      // CPython shares one timezone.utc; so does the re-encoded value.
      expect(hex(edited), `protocol ${p}`).toBe(hex(want.dumps[p]));
    }
  });

  it("Add key writes a datetime pickle in protocols 4 and 5 as CPython does", () => {
    const expr = "datetime.datetime(2024, 1, 2, 3, 4, 5, 6)";
    const [want] = cpython([expr]);
    expect(hex(newValueBytes("pickle5", expr))).toBe(hex(want.dumps[5]));
    expect(hex(newValueBytes("pickle4", expr))).toBe(hex(want.dumps[4]));
    expect(hex(newValueBytes("pickle4", "datetime(2024, 1, 2, 3, 4, 5, 6)"))).toBe(hex(want.dumps[4]));
  });

  it("accepts the spellings Python accepts and normalises as Python does", () => {
    const pairs: [string, string][] = [
      ["Decimal(' 1e3 ')", "Decimal('1E+3')"],
      ["Decimal(5)", "Decimal('5')"],
      ["Decimal('0.0000001')", "Decimal('1E-7')"],
      ["UUID('{12345678123456781234567812345678}')", "UUID('12345678-1234-5678-1234-567812345678')"],
      ["datetime.timedelta(hours=-1)", "datetime.timedelta(days=-1, seconds=82800)"],
      ["datetime.timedelta(weeks=1, milliseconds=1)", "datetime.timedelta(days=7, microseconds=1000)"],
      ["set([3, 1])", "{3, 1}"],
      ["frozenset([1, 2])", "frozenset({1, 2})"],
      ["OrderedDict(a=1)", "OrderedDict([('a', 1)])"],
      ["OrderedDict({'a': 1})", "OrderedDict([('a', 1)])"],
      ["timezone.utc", "datetime.timezone.utc"],
      ["datetime.timezone(datetime.timedelta(0))", "datetime.timezone.utc"],
      ["b'\\101\\u'", "b'A\\\\u'"],
    ];
    for (const [input, out] of pairs) expect(pythonLiteral(parse(input)), input).toBe(out);
  });

  it("refuses every other name and bad arguments, with the reason", () => {
    const refused: [string, RegExp][] = [
      ["os.system('echo pwned')", /os\.system\(\) is not one of the objects/],
      ["__import__('os')", /not one of the objects/],
      ["datetime.datetime.now()", /not one of the objects/],
      ["eval", /eval is not a value/],
      ["datetime.datetime(2024, 13, 1)", /month must be in 1\.\.12/],
      ["datetime.date(2023, 2, 29)", /day must be in 1\.\.28/],
      ["Decimal(1.5)", /needs a string/],
      ["Decimal('abc')", /invalid Decimal/],
      ["UUID('xyz')", /badly formed/],
      ["datetime.datetime(2024, 1, 2, tzinfo=ZoneInfo('Europe/Paris'))", /tzinfo must be datetime\.timezone/],
      ["datetime.timezone(datetime.timedelta(hours=24))", /strictly between/],
      ["b'é'", /only contain ASCII/],
    ];
    for (const [text, reason] of refused) {
      let message = "";
      try {
        newValueBytes("pickle5", text);
      } catch (e) {
        if (!(e instanceof CodecError)) throw e;
        message = e.message;
      }
      expect(message, text).toMatch(reason);
    }
  });

  it("says which object JSON and msgpack cannot hold", () => {
    expect(() => newValueBytes("msgpack", "datetime.date(2024, 1, 1)")).toThrow(/msgpack cannot hold a Python date/);
  });

  it("keeps a datetime with a tzinfo outside the allow-list view-only", () => {
    const bytes = execFileSync(PYTHON, ["-c", "import pickle,sys,datetime,zoneinfo; sys.stdout.buffer.write(pickle.dumps({'at': datetime.datetime(2024, 1, 2, tzinfo=zoneinfo.ZoneInfo('UTC'))}, 5))"]);
    const { value } = analyze(bytes);
    expect(editableText(value, bytes).mode).toBeNull();
  });
});
