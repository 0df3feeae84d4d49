import { pyBytesRepr, pyObjectRepr, pyStrRepr, pythonFloatRepr, type PlainValue } from "..";

const WIDTH = 72;
const INDENT = "    ";

/**
 * Why a value cannot be written as a Python literal that parses back to the same value, or null when it
 * can. Objects other than the allow-listed stdlib ones (opaque nodes), msgpack extensions and shared or
 * recursive containers have no literal form.
 */
export function literalProblem(value: PlainValue): string | null {
  const open = new Set<object>();
  const seen = new Set<object>();
  const walk = (v: PlainValue): string | null => {
    if (v === null || typeof v !== "object" || v instanceof Uint8Array) return null;
    if (!Array.isArray(v) && v.kind === "pyobject") return null;
    if (open.has(v)) return "it contains itself";
    if (seen.has(v)) return "it shares one container in two places";
    if (!Array.isArray(v)) {
      if (v.kind === "opaque") return v.reason ?? `it contains an object (${v.text.slice(0, 60)})`;
      if (v.kind === "ext" || v.kind === "timestamp") return "it contains a msgpack extension";
      if (v.kind === "bytearray" || v.kind === "float32") return `it contains a ${v.kind}`;
    }
    open.add(v);
    seen.add(v);
    const children = Array.isArray(v) ? v : v.kind === "dict" ? v.entries.flat() : "items" in v ? v.items : [];
    for (const child of children) {
      const problem = walk(child);
      if (problem) return problem;
    }
    open.delete(v);
    return null;
  };
  return walk(value);
}

function scalar(v: PlainValue): string | undefined {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return pythonFloatRepr(v);
  if (typeof v === "string") return pyStrRepr(v);
  if (v instanceof Uint8Array) return pyBytesRepr(v);
  if (!Array.isArray(v) && v.kind === "pyobject") return pyObjectRepr(v);
  return undefined;
}

/**
 * Python literal text of a value, as `repr` writes it but broken over lines and indented once a container
 * does not fit on one line, so a person can edit one field of a large dict. Only for values without a
 * `literalProblem`.
 */
export function pythonLiteral(value: PlainValue, depth = 0): string {
  const flat = scalar(value);
  if (flat !== undefined) return flat;
  const v = value as Exclude<PlainValue, null | boolean | bigint | number | string | Uint8Array>;
  let open: string;
  let close: string;
  let parts: string[];
  if (Array.isArray(v)) {
    [open, close, parts] = ["[", "]", v.map((item) => pythonLiteral(item, depth + 1))];
  } else if (v.kind === "dict" && v.ordered) {
    if (v.entries.length === 0) return "OrderedDict()";
    [open, close, parts] = ["OrderedDict([", "])", v.entries.map(([k, val]) => `(${pythonLiteral(k, depth + 1)}, ${pythonLiteral(val, depth + 1)})`)];
  } else if (v.kind === "dict") {
    [open, close, parts] = ["{", "}", v.entries.map(([k, val]) => `${pythonLiteral(k, depth + 1)}: ${pythonLiteral(val, depth + 1)}`)];
  } else if (v.kind === "tuple") {
    [open, close, parts] = ["(", v.items.length === 1 ? ",)" : ")", v.items.map((item) => pythonLiteral(item, depth + 1))];
  } else if (v.kind === "set" || v.kind === "frozenset") {
    if (v.items.length === 0) return `${v.kind}()`;
    const items = v.items.map((item) => pythonLiteral(item, depth + 1));
    [open, close, parts] = v.kind === "set" ? ["{", "}", items] : ["frozenset({", "})", items];
  } else {
    throw new Error("This value has no Python literal form");
  }
  const inline = `${open}${parts.join(", ")}${close}`;
  if (parts.length === 0 || (inline.length + depth * INDENT.length <= WIDTH && !inline.includes("\n"))) return inline;
  const pad = INDENT.repeat(depth + 1);
  const single = close === ",)" ? "," : "";
  return `${open}\n${parts.map((p) => pad + p).join(",\n")}${single}\n${INDENT.repeat(depth)}${close === ",)" ? ")" : close}`;
}
