import type { Budget } from "./budget";
import { CodecError } from "./codec-error";
import type { PlainValue } from "./plain";
import { parsePythonFloat } from "./python-float";
import { allowedAttribute, allowedCall, isAllowedCall } from "./python-stdlib-calls";

/**
 * Python `repr`/`str` of containers, as aiocache's `StringSerializer` and uwsgiconf's `str(v)` store them
 * (`{'a': 1, 'b': [1, 2]}`). Read-only: `str()` is not a serialization, so nothing is ever written back in
 * this form. The allow-listed stdlib calls (`datetime.date(2026, 1, 2)`, `Decimal('1.5')`…) are read as those
 * values; other calls are kept as opaque text. The editor parses Python literals with this parser too.
 */
export interface DecodedRepr {
  readonly format: "repr";
  readonly text: string;
  readonly value: PlainValue;
}

const MAX_DEPTH = 200;

class Parser {
  pos = 0;
  constructor(
    private readonly s: string,
    private readonly budget: Budget | undefined,
  ) {}

  fail(message: string): never {
    throw new CodecError("repr", message, this.pos);
  }

  ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  eat(text: string): boolean {
    this.ws();
    if (this.s.startsWith(text, this.pos)) {
      this.pos += text.length;
      return true;
    }
    return false;
  }

  /** Items up to `close`, allowing the trailing comma Python prints for 1-tuples. */
  seq(close: string, item: () => void): { trailingComma: boolean; count: number } {
    let count = 0;
    let trailingComma = false;
    for (;;) {
      if (this.eat(close)) return { trailingComma, count };
      if (count > 0 && !trailingComma) this.fail(`expected ',' or '${close}'`);
      item();
      count++;
      trailingComma = this.eat(",");
    }
  }

  value(depth: number): PlainValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.budget?.spendSteps("repr");
    this.ws();
    const s = this.s;
    const c = s[this.pos];
    if (c === "[") {
      this.pos++;
      const out: PlainValue[] = [];
      this.seq("]", () => out.push(this.value(depth + 1)));
      return out;
    }
    if (c === "(") {
      this.pos++;
      const items: PlainValue[] = [];
      const { trailingComma, count } = this.seq(")", () => items.push(this.value(depth + 1)));
      if (count === 1 && !trailingComma) return items[0];
      return { kind: "tuple", items };
    }
    if (c === "{") {
      this.pos++;
      const entries: [PlainValue, PlainValue][] = [];
      const items: PlainValue[] = [];
      this.seq("}", () => {
        const k = this.value(depth + 1);
        if (this.eat(":")) entries.push([k, this.value(depth + 1)]);
        else items.push(k);
      });
      if (items.length > 0 && entries.length > 0) this.fail("mixed set and dict items");
      return items.length > 0 ? { kind: "set", items } : { kind: "dict", entries };
    }
    if (c === "'" || c === '"') return this.string(false);
    if (c === "b" && (s[this.pos + 1] === "'" || s[this.pos + 1] === '"')) {
      this.pos++;
      const text = this.string(true);
      return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
    }
    for (const [word, v] of [["None", null], ["True", true], ["False", false]] as const) {
      if (s.startsWith(word, this.pos) && !/\w/.test(s[this.pos + word.length] ?? "")) {
        this.pos += word.length;
        return v;
      }
    }
    const num = /[+-]?(\d[\d_]*\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf|nan)(?![\w.])/iy;
    num.lastIndex = this.pos;
    const m = num.exec(s);
    if (m) {
      this.pos += m[0].length;
      if (/^[+-]?\d[\d_]*$/.test(m[0])) return BigInt(m[0].replace(/_/g, ""));
      const f = parsePythonFloat(m[0]);
      if (f === undefined) this.fail("bad number");
      return f;
    }
    return this.call(depth);
  }

  /**
   * `name(...)` or `<object at 0x…>`. The allow-listed stdlib constructors (`python-stdlib-calls.ts`) become values;
   * anything else is kept as text, never interpreted.
   */
  private call(depth: number): PlainValue {
    const s = this.s;
    const start = this.pos;
    if (s[this.pos] === "<") {
      const end = s.indexOf(">", this.pos);
      if (end < 0) this.fail("unterminated <...>");
      this.pos = end + 1;
      return { kind: "opaque", text: s.slice(start, this.pos), node: null };
    }
    const name = /[A-Za-z_][\w.]*/y;
    name.lastIndex = this.pos;
    const m = name.exec(s);
    if (!m) this.fail("unexpected character");
    this.pos += m[0].length;
    if (s[this.pos] !== "(") {
      return allowedAttribute(m[0]) ?? { kind: "opaque", text: m[0], node: null, reason: `${m[0]} is not a value that can be written` };
    }
    this.pos++;
    const positional: PlainValue[] = [];
    const keywords: [string, PlainValue][] = [];
    this.seq(")", () => {
      const kw = /\s*([A-Za-z_]\w*)\s*=(?!=)/y;
      kw.lastIndex = this.pos;
      const k = kw.exec(s);
      if (k) {
        this.pos += k[0].length;
        keywords.push([k[1], this.value(depth + 1)]);
      } else {
        if (keywords.length > 0) this.fail("positional argument follows keyword argument");
        positional.push(this.value(depth + 1));
      }
    });
    const text = s.slice(start, this.pos);
    if (!isAllowedCall(m[0])) return { kind: "opaque", text, node: null, reason: `${m[0]}() is not one of the objects that can be written` };
    try {
      return allowedCall(m[0], positional, keywords);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      return { kind: "opaque", text, node: null, reason: e.reason };
    }
  }

  /** A quoted string; for a bytes literal (`bytes`) only ASCII, and `\\u` is not an escape. */
  private string(bytes: boolean): string {
    const s = this.s;
    const q = s[this.pos++];
    let out = "";
    for (;;) {
      if (this.pos >= s.length) this.fail("unterminated string");
      const c = s[this.pos++];
      if (c === q) return out;
      if (c !== "\\") {
        if (bytes && c.charCodeAt(0) > 0x7f) this.fail("bytes can only contain ASCII characters; write others as \\xNN");
        out += c;
        continue;
      }
      const e = s[this.pos++];
      const octal = /[0-7]{1,3}/y;
      octal.lastIndex = this.pos - 1;
      const o = e !== undefined && /[0-7]/.test(e) ? octal.exec(s) : null;
      if (o) {
        out += String.fromCharCode(parseInt(o[0], 8) & (bytes ? 0xff : 0x1ff));
        this.pos += o[0].length - 1;
        continue;
      }
      if (bytes && (e === "u" || e === "U")) {
        out += `\\${e}`;
        continue;
      }
      const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };
      if (e === "x" || e === "u" || e === "U") {
        const width = e === "x" ? 2 : e === "u" ? 4 : 8;
        const hex = s.slice(this.pos, this.pos + width);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) this.fail("bad escape");
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) this.fail("bad escape");
        out += String.fromCodePoint(cp);
        this.pos += width;
      } else if (e !== undefined && simple[e] !== undefined) out += simple[e];
      else this.fail("bad escape");
    }
  }
}

/** With a `budget`, every value parsed spends a step of it. */
export function decodeRepr(bytes: Uint8Array, budget?: Budget): DecodedRepr {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CodecError("repr", "not valid UTF-8");
  }
  const p = new Parser(text, budget);
  const value = p.value(0);
  p.ws();
  if (p.pos !== text.length) p.fail("trailing characters");
  return { format: "repr", text, value };
}
