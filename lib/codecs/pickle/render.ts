import { pythonFloatRepr } from "../python-float";
import { pyBytesRepr, pyStrRepr } from "../python-repr-text";
import { pyObjectRepr } from "../python-stdlib";
import type { PickleGlobal, PickleNode, PickleObject } from "./nodes";
import { pickleToStdlib } from "./stdlib";

/**
 * Python-`repr`-like text of a pickle tree, for display only. Common stdlib types read as Python prints them
 * (`datetime.date(2026, 11, 21)`, `Decimal('1.5')`); other objects as their class and arguments. Shared
 * nodes can make the text exponentially long, so output stops at `maxChars`.
 */
export function renderPickle(node: PickleNode, maxChars = 100_000): string {
  const r = new Renderer(maxChars);
  try {
    r.node(node);
  } catch (e) {
    if (e !== TRUNCATED) throw e;
    r.parts.push("…");
  }
  return r.parts.join("");
}

const TRUNCATED = Symbol("truncated");

function globalName(node: PickleNode): string | undefined {
  return node.t === "global" ? `${node.module}.${node.name}` : undefined;
}

function tupleItems(node: PickleNode): readonly PickleNode[] | undefined {
  return node.t === "tuple" ? node.items : undefined;
}

function intArg(node: PickleNode | undefined): bigint | undefined {
  return node?.t === "int" ? node.v : undefined;
}

/** The readable Python repr of well-known stdlib objects, or `undefined` to fall back to the generic form. */
function knownObjectRepr(obj: PickleObject, inner: (n: PickleNode) => string): string | undefined {
  const std = pickleToStdlib(obj);
  if (std) return pyObjectRepr(std);
  const name = globalName(reconstructorClass(obj) ?? obj.callable);
  const args = tupleItems(obj.args) ?? [];
  const simple = obj.listItems.length === 0 && obj.states.length === 0;
  switch (name) {
    case "datetime.datetime":
    case "datetime.date":
    case "datetime.time": {
      const b = args[0];
      if (!simple || b?.t !== "bytes") return undefined;
      const tz = args[1] ? inner(args[1]) : undefined;
      return dateTimeRepr(name, b.v, tz);
    }
    case "datetime.timedelta": {
      const [d, s, us] = args.map(intArg);
      if (!simple || d === undefined || s === undefined || us === undefined) return undefined;
      const parts: string[] = [];
      if (d) parts.push(`days=${d}`);
      if (s) parts.push(`seconds=${s}`);
      if (us) parts.push(`microseconds=${us}`);
      return `datetime.timedelta(${parts.length ? parts.join(", ") : "0"})`;
    }
    case "datetime.timezone": {
      if (!simple || args.length === 0) return undefined;
      const offset = args[0];
      const isZero =
        offset.t === "object" && globalName(offset.callable) === "datetime.timedelta" && tupleItems(offset.args)?.every((a) => intArg(a) === 0n);
      if (isZero && args.length === 1) return "datetime.timezone.utc";
      return `datetime.timezone(${args.map(inner).join(", ")})`;
    }
    case "decimal.Decimal":
      return simple && args.length === 1 && args[0].t === "str" ? `Decimal(${pyStrRepr(args[0].v)})` : undefined;
    case "uuid.UUID": {
      const state = obj.states[0];
      const intEntry = state?.t === "dict" ? state.entries.find(([k]) => k.t === "str" && k.v === "int") : undefined;
      const v = intEntry ? intArg(intEntry[1]) : undefined;
      if (v === undefined || v < 0n) return undefined;
      const hex = v.toString(16).padStart(32, "0");
      return `UUID('${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}')`;
    }
    case "collections.OrderedDict": {
      if (obj.listItems.length > 0 || args.length > 0 || obj.states.length > 0) return undefined;
      if (obj.dictItems.length === 0) return "OrderedDict()";
      return `OrderedDict([${obj.dictItems.map(([k, v]) => `(${inner(k)}, ${inner(v)})`).join(", ")}])`;
    }
    default:
      return undefined;
  }
}

function dateTimeRepr(name: string, b: Uint8Array, tz: string | undefined): string | undefined {
  const tzPart = tz ? `, tzinfo=${tz}` : "";
  if (name === "datetime.date" && b.length === 4) return `datetime.date(${b[0] * 256 + b[1]}, ${b[2]}, ${b[3]})`;
  const timeParts = (h: number, m: number, s: number, us: number): string[] => {
    const parts = [String(h), String(m)];
    if (s || us) parts.push(String(s));
    if (us) parts.push(String(us));
    return parts;
  };
  if (name === "datetime.datetime" && b.length === 10) {
    const us = (b[7] << 16) | (b[8] << 8) | b[9];
    const parts = [String(b[0] * 256 + b[1]), String(b[2] & 0x7f), String(b[3]), ...timeParts(b[4], b[5], b[6], us)];
    const fold = b[2] & 0x80 ? ", fold=1" : "";
    return `datetime.datetime(${parts.join(", ")}${tzPart}${fold})`;
  }
  if (name === "datetime.time" && b.length === 6) {
    const us = (b[3] << 16) | (b[4] << 8) | b[5];
    const fold = b[0] & 0x80 ? ", fold=1" : "";
    return `datetime.time(${timeParts(b[0] & 0x7f, b[1], b[2], us).join(", ")}${tzPart}${fold})`;
  }
  return undefined;
}

class Renderer {
  readonly parts: string[] = [];
  private size = 0;
  private readonly path = new Set<PickleNode>();

  constructor(private readonly maxChars: number) {}

  private emit(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > this.maxChars) throw TRUNCATED;
  }

  private seq(open: string, items: readonly PickleNode[], close: string): void {
    this.emit(open);
    items.forEach((item, i) => {
      if (i > 0) this.emit(", ");
      this.node(item);
    });
    this.emit(close);
  }

  /** Renders a subtree to its own string, sharing the budget. */
  private sub(node: PickleNode): string {
    const start = this.parts.length;
    this.node(node);
    return this.parts.splice(start).join("");
  }

  node(node: PickleNode): void {
    if (this.path.has(node)) {
      const marker = node.t === "dict" ? "{...}" : node.t === "tuple" ? "(...)" : "[...]";
      return this.emit(marker);
    }
    this.path.add(node);
    try {
      this.body(node);
    } finally {
      this.path.delete(node);
    }
  }

  private body(node: PickleNode): void {
    switch (node.t) {
      case "none":
        return this.emit("None");
      case "bool":
        return this.emit(node.v ? "True" : "False");
      case "int":
        return this.emit(node.v.toString());
      case "float":
        return this.emit(pythonFloatRepr(node.v));
      case "str":
        return this.emit(pyStrRepr(node.v));
      case "bytes":
        return this.emit(pyBytesRepr(node.v));
      case "bytearray":
        return this.emit(`bytearray(${pyBytesRepr(node.v)})`);
      case "list":
        return this.seq("[", node.items, "]");
      case "tuple":
        return this.seq("(", node.items, node.items.length === 1 ? ",)" : ")");
      case "set":
        return node.items.length === 0 ? this.emit("set()") : this.seq("{", node.items, "}");
      case "frozenset":
        return node.items.length === 0 ? this.emit("frozenset()") : this.seq("frozenset({", node.items, "})");
      case "dict":
        this.emit("{");
        node.entries.forEach(([k, v], i) => {
          if (i > 0) this.emit(", ");
          this.node(k);
          this.emit(": ");
          this.node(v);
        });
        return this.emit("}");
      case "global":
        return this.emit(`${node.module}.${node.name}`);
      case "opaque":
        return this.emit(`<${node.what} ${node.detail}>`);
      case "object":
        return this.object(node);
    }
  }

  private object(obj: PickleObject): void {
    const known = knownObjectRepr(obj, (n) => this.sub(n));
    if (known !== undefined) return this.emit(known);
    const reconstructed = reconstructorClass(obj);
    if (reconstructed) this.emit(`${reconstructed.module}.${reconstructed.name}()`);
    else {
      this.node(obj.callable);
      const args = tupleItems(obj.args);
      if (args) this.seq("(", args, ")");
      else {
        this.emit("(*");
        this.node(obj.args);
        this.emit(")");
      }
    }
    if (obj.listItems.length > 0) this.seq(" + [", obj.listItems, "]");
    if (obj.dictItems.length > 0) {
      this.emit(" + {");
      obj.dictItems.forEach(([k, v], i) => {
        if (i > 0) this.emit(", ");
        this.node(k);
        this.emit(": ");
        this.node(v);
      });
      this.emit("}");
    }
    for (const state of obj.states) {
      this.emit(" with state ");
      this.node(state);
    }
  }
}

/** Protocols 0/1 spell `object.__new__(cls)` as `copyreg._reconstructor(cls, object, None)`. */
function reconstructorClass(obj: PickleObject): PickleGlobal | undefined {
  const name = globalName(obj.callable);
  if (name !== "copyreg._reconstructor" && name !== "copy_reg._reconstructor") return undefined;
  const args = tupleItems(obj.args);
  return args && args[0]?.t === "global" ? args[0] : undefined;
}
