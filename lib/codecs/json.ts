import type { Budget } from "./budget";
import { CodecError } from "./codec-error";
import type { PlainValue } from "./plain";
import { pythonFloatRepr } from "./python-float";

/**
 * JSON as Python libraries write it. Numbers keep their source text (`1.0` is a float in Python, `1` an int,
 * and `1e+16` must not come back as `10000000000000000`), and the spacing style is detected so an edited
 * value is written the way the app wrote it: stdlib `", "`/`": "`, compact (ujson, msgspec, Litestar), or
 * `indent=N`; `ensure_ascii` (stdlib default) and ujson's `\/` too.
 */
export type JsonNode =
  | { readonly t: "null" }
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "int"; readonly v: bigint; readonly raw?: string }
  | { readonly t: "float"; readonly v: number; readonly raw?: string }
  | { readonly t: "str"; readonly v: string }
  | { readonly t: "array"; readonly items: JsonNode[] }
  | { readonly t: "object"; readonly entries: [string, JsonNode][] };

export interface JsonStyle {
  readonly itemSeparator: string;
  readonly keySeparator: string;
  /** Spaces per level for `indent=N` output, or `null` for single-line output. */
  readonly indent: number | null;
  readonly ensureAscii: boolean;
  readonly escapeSlash: boolean;
  /** Whitespace after the value (a trailing newline some writers add). */
  readonly trailing: string;
}

export interface DecodedJson {
  readonly format: "json";
  readonly style: JsonStyle;
  readonly root: JsonNode;
}

export const PYTHON_JSON_STYLE: JsonStyle = {
  itemSeparator: ", ",
  keySeparator: ": ",
  indent: null,
  ensureAscii: true,
  escapeSlash: false,
  trailing: "",
};

const MAX_DEPTH = 400;

class Parser {
  pos = 0;
  sawNonAscii = false;
  sawEscapedSlash = false;
  constructor(
    private readonly s: string,
    private readonly budget: Budget | undefined,
  ) {}

  fail(message: string): never {
    throw new CodecError("json", message, this.pos);
  }

  ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.budget?.spendSteps("json");
    this.ws();
    const s = this.s;
    const c = s[this.pos];
    if (c === "{") {
      this.pos++;
      const entries: [string, JsonNode][] = [];
      this.ws();
      if (s[this.pos] === "}") {
        this.pos++;
        return { t: "object", entries };
      }
      for (;;) {
        this.ws();
        if (s[this.pos] !== '"') this.fail("expected a string key");
        const key = this.string();
        this.ws();
        if (s[this.pos] !== ":") this.fail("expected ':'");
        this.pos++;
        entries.push([key, this.value(depth + 1)]);
        this.ws();
        if (s[this.pos] === ",") {
          this.pos++;
          continue;
        }
        if (s[this.pos] === "}") {
          this.pos++;
          return { t: "object", entries };
        }
        this.fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      this.pos++;
      const items: JsonNode[] = [];
      this.ws();
      if (s[this.pos] === "]") {
        this.pos++;
        return { t: "array", items };
      }
      for (;;) {
        items.push(this.value(depth + 1));
        this.ws();
        if (s[this.pos] === ",") {
          this.pos++;
          continue;
        }
        if (s[this.pos] === "]") {
          this.pos++;
          return { t: "array", items };
        }
        this.fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { t: "str", v: this.string() };
    if (s.startsWith("true", this.pos)) return this.word(4, { t: "bool", v: true });
    if (s.startsWith("false", this.pos)) return this.word(5, { t: "bool", v: false });
    if (s.startsWith("null", this.pos)) return this.word(4, { t: "null" });
    if (s.startsWith("NaN", this.pos)) return this.word(3, { t: "float", v: NaN, raw: "NaN" });
    if (s.startsWith("Infinity", this.pos)) return this.word(8, { t: "float", v: Infinity, raw: "Infinity" });
    if (s.startsWith("-Infinity", this.pos)) return this.word(9, { t: "float", v: -Infinity, raw: "-Infinity" });
    return this.number();
  }

  private word(n: number, node: JsonNode): JsonNode {
    this.pos += n;
    return node;
  }

  private number(): JsonNode {
    const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const found = m.exec(this.s);
    if (!found || found[0] === "" || found[0] === "-") this.fail("unexpected character");
    const raw = found[0];
    this.pos += raw.length;
    if (found[2] === undefined && found[3] === undefined) {
      if (raw.length > 4300) this.fail("integer has too many digits");
      return { t: "int", v: BigInt(raw), raw };
    }
    return { t: "float", v: Number(raw), raw };
  }

  private string(): string {
    const s = this.s;
    this.pos++;
    let out = "";
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail("unterminated string");
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail("control character in string");
      if (c >= 0x7f) this.sawNonAscii = true;
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(start, this.pos);
      const e = s[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"':
        case "\\":
          out += e;
          break;
        case "/":
          this.sawEscapedSlash = true;
          out += "/";
          break;
        case "b":
          out += "\b";
          break;
        case "f":
          out += "\f";
          break;
        case "n":
          out += "\n";
          break;
        case "r":
          out += "\r";
          break;
        case "t":
          out += "\t";
          break;
        case "u": {
          const hex = s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.pos -= 2;
          this.fail("bad escape");
      }
      start = this.pos;
    }
  }

  /** Reads the separators right after the first `,` and `:` to learn how the writer spaced things. */
  detectStyle(trailing: string): JsonStyle {
    const s = this.s;
    let itemSeparator: string | undefined;
    let keySeparator: string | undefined;
    let indent: number | null = null;
    let inString = false;
    for (let i = 0; i < s.length && (itemSeparator === undefined || keySeparator === undefined || indent === null); i++) {
      const c = s[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if ((c === "[" || c === "{") && indent === null && s[i + 1] === "\n") {
        const m = /^ */.exec(s.slice(i + 2));
        indent = m ? m[0].length : 0;
      } else if (c === "," && itemSeparator === undefined) itemSeparator = s[i + 1] === " " ? ", " : ",";
      else if (c === ":" && keySeparator === undefined) keySeparator = s[i + 1] === " " ? ": " : ":";
    }
    const compactByDefault = itemSeparator === "," && keySeparator === undefined;
    return {
      itemSeparator: indent !== null ? "," : (itemSeparator ?? (keySeparator === ":" ? "," : ", ")),
      keySeparator: keySeparator ?? (compactByDefault ? ":" : ": "),
      indent,
      ensureAscii: !this.sawNonAscii,
      escapeSlash: this.sawEscapedSlash,
      trailing,
    };
  }
}

const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** With a `budget`, every value parsed spends a step of it. */
export function decodeJson(bytes: Uint8Array, budget?: Budget): DecodedJson {
  let text: string;
  try {
    text = textDecoder.decode(bytes);
  } catch {
    throw new CodecError("json", "not valid UTF-8");
  }
  const p = new Parser(text, budget);
  const root = p.value(0);
  const end = p.pos;
  p.ws();
  if (p.pos !== text.length) p.fail("trailing characters after the value");
  return { format: "json", style: p.detectStyle(text.slice(end)), root };
}

function escapeString(v: string, style: JsonStyle): string {
  let out = '"';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    const c = v.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "/" && style.escapeSlash) out += "\\/";
    else if (c < 0x20 || (style.ensureAscii && c > 0x7e)) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}

function jsonFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return pythonFloatRepr(v);
}

/** Writes the tree in `style`, the way Python's `json.dumps` with the matching arguments would. */
export function encodeJson(decoded: DecodedJson): Uint8Array {
  const { style } = decoded;
  const parts: string[] = [];
  const write = (node: JsonNode, level: number) => {
    if (level > MAX_DEPTH) throw new CodecError("json", "value nested too deeply to encode");
    switch (node.t) {
      case "null":
        return parts.push("null");
      case "bool":
        return parts.push(node.v ? "true" : "false");
      case "int":
        return parts.push(node.raw ?? node.v.toString());
      case "float":
        return parts.push(node.raw ?? jsonFloat(node.v));
      case "str":
        return parts.push(escapeString(node.v, style));
    }
    const children = node.t === "array" ? node.items : node.entries;
    const [open, close] = node.t === "array" ? ["[", "]"] : ["{", "}"];
    if (children.length === 0) return parts.push(open + close);
    const inner = style.indent === null ? "" : `\n${" ".repeat(style.indent * (level + 1))}`;
    const outer = style.indent === null ? "" : `\n${" ".repeat(style.indent * level)}`;
    parts.push(open);
    children.forEach((child, i) => {
      parts.push(i > 0 ? style.itemSeparator + inner : inner);
      if (Array.isArray(child)) {
        parts.push(escapeString(child[0], style), style.keySeparator);
        write(child[1], level + 1);
      } else write(child, level + 1);
    });
    parts.push(outer + close);
  };
  write(decoded.root, 0);
  parts.push(style.trailing);
  return new TextEncoder().encode(parts.join(""));
}

export function jsonToPlain(node: JsonNode): PlainValue {
  switch (node.t) {
    case "null":
      return null;
    case "bool":
    case "int":
    case "float":
    case "str":
      return node.v;
    case "array":
      return node.items.map(jsonToPlain);
    case "object":
      return { kind: "dict", entries: node.entries.map(([k, v]) => [k, jsonToPlain(v)]) };
  }
}

/** Reuses original nodes where nothing changed, so their number spelling survives the edit. */
export function plainToJson(v: PlainValue, orig?: JsonNode): JsonNode {
  if (v === null) return { t: "null" };
  if (typeof v === "boolean") return { t: "bool", v };
  if (typeof v === "bigint") return orig?.t === "int" && orig.v === v ? orig : { t: "int", v };
  if (typeof v === "number") return orig?.t === "float" && Object.is(orig.v, v) ? orig : { t: "float", v };
  if (typeof v === "string") return { t: "str", v };
  if (Array.isArray(v)) {
    const items = orig?.t === "array" ? orig.items : [];
    return { t: "array", items: v.map((x, i) => plainToJson(x, items[i])) };
  }
  if (v instanceof Uint8Array) throw new CodecError("json", "JSON has no bytes type");
  switch (v.kind) {
    case "dict": {
      const entries = orig?.t === "object" ? orig.entries : [];
      return {
        t: "object",
        entries: v.entries.map(([k, x], i) => {
          if (typeof k !== "string") throw new CodecError("json", "JSON object keys must be strings");
          return [k, plainToJson(x, entries[i]?.[1])];
        }),
      };
    }
    case "tuple":
      return plainToJson(v.items, orig);
    case "float32":
      return { t: "float", v: v.value };
    default:
      throw new CodecError("json", `JSON cannot hold a ${v.kind === "pyobject" ? `Python ${v.type}` : v.kind}`);
  }
}
