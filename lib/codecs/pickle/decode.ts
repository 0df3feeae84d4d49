import { asciiOrUndefined } from "../bytes";
import type { Budget } from "../budget";
import { CodecError } from "../codec-error";
import type { DecodedPickle, PickleCall, PickleGlobal, PickleNode, PickleObject, PickleStr } from "./nodes";

/**
 * Limits for hostile input. The VM never calls anything, so these are the only ways a pickle could hurt us:
 * deep nesting (recursive walkers), big declared lengths (allocation), memo and stack growth, and huge
 * decimal integers (quadratic BigInt parsing; CPython refuses more than 4300 digits too).
 */
interface PickleLimits {
  maxBytes: number;
  maxDepth: number;
  maxMemo: number;
  maxStack: number;
  maxIntDigits: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 400,
  maxMemo: 1_000_000,
  maxStack: 1_000_000,
  maxIntDigits: 4300,
};

const NONE: PickleNode = { t: "none" };
const TRUE: PickleNode = { t: "bool", v: true };
const FALSE: PickleNode = { t: "bool", v: false };

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Opcodes that only protocol 1+ writes, to tell 0 from 1 when there is no PROTO header. */
const BINARY_OPCODES = new Set([0x4a, 0x4b, 0x4d, 0x47, 0x58, 0x5d, 0x7d, 0x29, 0x65, 0x75, 0x68, 0x6a, 0x71, 0x72, 0x31, 0x54, 0x55, 0x51]);

class Reader {
  pos = 0;
  constructor(readonly data: Uint8Array) {}

  fail(message: string, at = this.pos): never {
    throw new CodecError("pickle", message, at);
  }

  byte(): number {
    if (this.pos >= this.data.length) this.fail("unexpected end of data");
    return this.data[this.pos++];
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.data.length) this.fail(`declared length ${n} runs past the end`);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uint(width: number): number {
    const b = this.take(width);
    let v = 0;
    for (let i = width - 1; i >= 0; i--) v = v * 256 + b[i];
    return v;
  }

  /** 8-byte little-endian length; anything above what remains is rejected before allocating. */
  size8(): number {
    const start = this.pos;
    const b = this.take(8);
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (v > BigInt(this.data.length - this.pos)) this.fail(`declared length ${v} runs past the end`, start);
    return Number(v);
  }

  line(): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0) this.fail("unterminated text argument");
    const text = latin1.decode(this.data.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }
}

function signedLE(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let hex = "";
  for (let i = bytes.length - 1; i >= 0; i--) hex += bytes[i].toString(16).padStart(2, "0");
  let v = BigInt(`0x${hex}`);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

function str(v: string, legacy = false): PickleStr {
  return legacy ? { t: "str", v, legacy: true } : { t: "str", v };
}

/** Python's raw-unicode-escape, which protocol 0 `UNICODE` uses: only `\uXXXX` and `\UXXXXXXXX` are escapes. */
function rawUnicodeUnescape(bytes: Uint8Array, r: Reader, at: number): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x5c && i + 1 < bytes.length && (bytes[i + 1] === 0x75 || bytes[i + 1] === 0x55)) {
      const width = bytes[i + 1] === 0x75 ? 4 : 8;
      const hex = latin1.decode(bytes.subarray(i + 2, i + 2 + width));
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) r.fail("bad \\u escape in UNICODE", at + i);
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) r.fail("code point out of range in UNICODE", at + i);
      out += String.fromCodePoint(cp);
      i += 1 + width;
    } else {
      out += String.fromCharCode(c);
    }
  }
  return out;
}

/** Python 2 `STRING` arguments are a quoted repr; Python 3 reads them as text. */
function unquotePy2String(text: string, r: Reader, at: number): string {
  const q = text[0];
  if (text.length < 2 || (q !== "'" && q !== '"') || text[text.length - 1] !== q) r.fail("STRING argument is not quoted", at);
  const body = text.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === "x") return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", v: "\v" };
    return simple[e] ?? `\\${e}`;
  });
}

function isGlobal(node: PickleNode, module: string[], name: string): node is PickleGlobal {
  return node.t === "global" && module.includes(node.module) && node.name === name;
}

const BUILTINS = ["builtins", "__builtin__"];

/**
 * Calls whose result is plain data (bytes/bytearray/set/frozenset in older protocols) become those nodes,
 * keeping the call as `origin`; any other call stays an object node.
 */
function reduceNode(func: PickleNode, args: PickleNode, budget: Budget | undefined): PickleNode {
  const call: PickleCall = { func, args };
  if (args.t === "tuple") {
    const a = args.items;
    if (isGlobal(func, ["_codecs", "codecs"], "encode") && a.length === 2 && a[0].t === "str" && a[1].t === "str") {
      const enc = a[1].v.toLowerCase().replace(/[-_]/g, "");
      if (enc === "latin1" || enc === "iso88591") {
        const text = a[0].v;
        // One memoized string can be REDUCEd many times, each making new bytes: that is output, not input.
        budget?.spendBytes("pickle", text.length);
        const ok = [...text].every((ch) => ch.charCodeAt(0) < 256);
        if (ok) return { t: "bytes", v: Uint8Array.from(text, (ch) => ch.charCodeAt(0)), origin: call };
      }
    }
    if (isGlobal(func, BUILTINS, "bytes") && a.length === 0) return { t: "bytes", v: new Uint8Array(0), origin: call };
    if (isGlobal(func, BUILTINS, "bytearray")) {
      if (a.length === 0) return { t: "bytearray", v: new Uint8Array(0), origin: call };
      if (a.length === 1 && a[0].t === "bytes") return { t: "bytearray", v: a[0].v, origin: call };
    }
    for (const kind of ["set", "frozenset"] as const) {
      if (isGlobal(func, BUILTINS, kind) && a.length === 1 && a[0].t === "list") {
        budget?.spendSteps("pickle", a[0].items.length);
        return { t: kind, items: a[0].items.slice(), origin: call };
      }
      if (isGlobal(func, BUILTINS, kind) && a.length === 0) return { t: kind, items: [], origin: call };
    }
  }
  return { t: "object", how: "reduce", callable: func, args, listItems: [], dictItems: [], states: [] };
}

function object(how: PickleObject["how"], callable: PickleNode, args: PickleNode, kwargs?: PickleNode): PickleObject {
  return { t: "object", how, callable, args, kwargs, listItems: [], dictItems: [], states: [] };
}

/**
 * A pickle virtual machine that builds a tree instead of objects: protocols 0–5, every opcode, nothing
 * imported or called. Malformed input throws `CodecError` with the byte position.
 */
/** With a `budget`, every node pushed and every item copied spends a step of it. */
export function decodePickle(data: Uint8Array, limits: PickleLimits = DEFAULT_PICKLE_LIMITS, budget?: Budget): DecodedPickle {
  if (data.length > limits.maxBytes) throw new CodecError("pickle", `value is larger than ${limits.maxBytes} bytes`);
  const r: Reader = new Reader(data);
  let stack: PickleNode[] = [];
  const marks: PickleNode[][] = [];
  const memo = new Map<number, PickleNode>();
  let protocol = -1;
  let sawBinary = false;
  let frameEnd = -1;

  // Every node that can hold others passes through push; fewer of them than maxDepth means no deep nesting.
  let containers = 0;
  const push = (n: PickleNode) => {
    if (stack.length >= limits.maxStack) r.fail("stack limit exceeded");
    budget?.spendSteps("pickle");
    if (n.t !== "int" && n.t !== "str" && n.t !== "none" && n.t !== "bool" && n.t !== "float" && n.t !== "bytes") containers++;
    stack.push(n);
  };
  const pop = (at: number): PickleNode => {
    const n = stack.pop();
    if (n === undefined) r.fail("stack underflow", at);
    return n;
  };
  const top = (at: number): PickleNode => {
    if (stack.length === 0) r.fail("stack underflow", at);
    return stack[stack.length - 1];
  };
  const popMark = (at: number): PickleNode[] => {
    const items = stack;
    const prev = marks.pop();
    if (prev === undefined) r.fail("no MARK on the stack", at);
    stack = prev;
    return items;
  };
  const memoPut = (index: number, at: number) => {
    if (memo.size >= limits.maxMemo && !memo.has(index)) r.fail("memo limit exceeded", at);
    memo.set(index, top(at));
  };
  const memoGet = (index: number, at: number) => {
    const n = memo.get(index);
    if (n === undefined) r.fail(`memo key ${index} was never stored`, at);
    push(n);
  };
  const parseInt10 = (text: string, at: number): bigint => {
    const t = text.trim();
    if (!/^[+-]?\d+$/.test(t)) r.fail(`bad integer literal ${JSON.stringify(text.slice(0, 40))}`, at);
    if (t.replace(/^[+-]/, "").length > limits.maxIntDigits) r.fail("integer literal has too many digits", at);
    return BigInt(t);
  };
  const appendTo = (target: PickleNode, items: PickleNode[], at: number) => {
    if (target.t === "list") target.items.push(...items);
    else if (target.t === "object") target.listItems.push(...items);
    else r.fail(`cannot append to ${target.t}`, at);
  };
  const setItemsOn = (target: PickleNode, flat: PickleNode[], at: number) => {
    if (flat.length % 2 !== 0) r.fail("odd number of items for SETITEMS", at);
    const entries: [PickleNode, PickleNode][] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push([flat[i], flat[i + 1]]);
    if (target.t === "dict") target.entries.push(...entries);
    else if (target.t === "object") target.dictItems.push(...entries);
    else r.fail(`cannot set items on ${target.t}`, at);
  };

  for (;;) {
    if (frameEnd >= 0 && r.pos > frameEnd) r.fail("opcode crosses a frame boundary");
    if (r.pos === frameEnd) frameEnd = -1;
    const at = r.pos;
    const op = r.byte();
    if (BINARY_OPCODES.has(op)) sawBinary = true;
    switch (op) {
      case 0x80: {
        const p = r.byte();
        if (p > 5) r.fail(`unsupported protocol ${p}`, at);
        if (at !== 0) r.fail("PROTO is only allowed at the start", at);
        protocol = p;
        break;
      }
      case 0x95: {
        const n = r.size8();
        if (frameEnd >= 0) r.fail("FRAME inside a frame", at);
        frameEnd = r.pos + n;
        break;
      }
      case 0x2e: {
        if (marks.length > 0) r.fail("STOP with an open MARK", at);
        if (stack.length !== 1) r.fail(stack.length === 0 ? "STOP with an empty stack" : "STOP with extra items on the stack", at);
        if (r.pos !== data.length) r.fail("trailing bytes after STOP", r.pos);
        const root = stack[0];
        if (containers + 2 > limits.maxDepth) checkDepth(root, limits.maxDepth);
        return { format: "pickle", protocol: protocol >= 0 ? protocol : sawBinary ? 1 : 0, root };
      }
      case 0x28:
        if (marks.length >= limits.maxDepth * 4) r.fail("too many nested MARKs", at);
        marks.push(stack);
        stack = [];
        break;
      case 0x30:
        if (stack.length === 0) popMark(at);
        else stack.pop();
        break;
      case 0x31:
        popMark(at);
        break;
      case 0x32:
        push(top(at));
        break;
      case 0x4e:
        push(NONE);
        break;
      case 0x88:
        push(TRUE);
        break;
      case 0x89:
        push(FALSE);
        break;
      case 0x49: {
        const text = r.line();
        if (text === "01") push(TRUE);
        else if (text === "00") push(FALSE);
        else push({ t: "int", v: parseInt10(text, at) });
        break;
      }
      case 0x4c: {
        const text = r.line();
        push({ t: "int", v: parseInt10(text.endsWith("L") ? text.slice(0, -1) : text, at) });
        break;
      }
      case 0x4a:
        push({ t: "int", v: signedLE(r.take(4)) });
        break;
      case 0x4b:
        push({ t: "int", v: BigInt(r.byte()) });
        break;
      case 0x4d:
        push({ t: "int", v: BigInt(r.uint(2)) });
        break;
      case 0x8a:
        push({ t: "int", v: signedLE(r.take(r.byte())) });
        break;
      case 0x8b: {
        const n = r.uint(4);
        if (n > data.length) r.fail("LONG4 length runs past the end", at);
        push({ t: "int", v: signedLE(r.take(n)) });
        break;
      }
      case 0x46: {
        const text = r.line().trim();
        const lower = text.toLowerCase();
        const v = lower === "nan" ? NaN : lower === "inf" ? Infinity : lower === "-inf" ? -Infinity : Number(text);
        if (Number.isNaN(v) && lower !== "nan") r.fail("bad FLOAT literal", at);
        push({ t: "float", v });
        break;
      }
      case 0x47: {
        const b = r.take(8);
        push({ t: "float", v: new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false) });
        break;
      }
      case 0x56: {
        const start = r.pos;
        const end = data.indexOf(0x0a, start);
        if (end < 0) r.fail("unterminated UNICODE argument", at);
        r.pos = end + 1;
        push(str(rawUnicodeUnescape(data.subarray(start, end), r, start)));
        break;
      }
      case 0x58:
        push(str(decodeUtf8(r.take(r.uint(4)), r, at)));
        break;
      case 0x8c:
        push(str(decodeUtf8(r.take(r.byte()), r, at)));
        break;
      case 0x8d:
        push(str(decodeUtf8(r.take(r.size8()), r, at)));
        break;
      case 0x53:
        push(str(unquotePy2String(r.line().trimEnd(), r, at), true));
        break;
      case 0x54:
        push(str(latin1.decode(r.take(r.uint(4))), true));
        break;
      case 0x55:
        push(str(latin1.decode(r.take(r.byte())), true));
        break;
      case 0x42:
        push({ t: "bytes", v: r.take(r.uint(4)).slice() });
        break;
      case 0x43:
        push({ t: "bytes", v: r.take(r.byte()).slice() });
        break;
      case 0x8e:
        push({ t: "bytes", v: r.take(r.size8()).slice() });
        break;
      case 0x96:
        push({ t: "bytearray", v: r.take(r.size8()).slice() });
        break;
      case 0x97:
        push({ t: "opaque", what: "buffer", detail: "out-of-band buffer" });
        break;
      case 0x98:
        top(at);
        break;
      case 0x5d:
        push({ t: "list", items: [] });
        break;
      case 0x6c:
        push({ t: "list", items: popMark(at) });
        break;
      case 0x7d:
        push({ t: "dict", entries: [] });
        break;
      case 0x64: {
        const flat = popMark(at);
        const d: PickleNode = { t: "dict", entries: [] };
        setItemsOn(d, flat, at);
        push(d);
        break;
      }
      case 0x29:
        push({ t: "tuple", items: [] });
        break;
      case 0x74:
        push({ t: "tuple", items: popMark(at) });
        break;
      case 0x85:
      case 0x86:
      case 0x87: {
        const n = op - 0x84;
        if (stack.length < n) r.fail("stack underflow", at);
        push({ t: "tuple", items: stack.splice(stack.length - n, n) });
        break;
      }
      case 0x8f:
        push({ t: "set", items: [] });
        break;
      case 0x90: {
        const items = popMark(at);
        const target = top(at);
        if (target.t !== "set") r.fail(`ADDITEMS on ${target.t}`, at);
        target.items.push(...items);
        break;
      }
      case 0x91:
        push({ t: "frozenset", items: popMark(at) });
        break;
      case 0x61: {
        const item = pop(at);
        appendTo(top(at), [item], at);
        break;
      }
      case 0x65: {
        const items = popMark(at);
        appendTo(top(at), items, at);
        break;
      }
      case 0x73: {
        const v = pop(at);
        const k = pop(at);
        setItemsOn(top(at), [k, v], at);
        break;
      }
      case 0x75: {
        const flat = popMark(at);
        setItemsOn(top(at), flat, at);
        break;
      }
      case 0x67:
        memoGet(Number(parseInt10(r.line(), at)), at);
        break;
      case 0x68:
        memoGet(r.byte(), at);
        break;
      case 0x6a:
        memoGet(r.uint(4), at);
        break;
      case 0x70:
        memoPut(Number(parseInt10(r.line(), at)), at);
        break;
      case 0x71:
        memoPut(r.byte(), at);
        break;
      case 0x72:
        memoPut(r.uint(4), at);
        break;
      case 0x94:
        memoPut(memo.size, at);
        break;
      case 0x63: {
        const moduleName = r.line();
        const name = r.line();
        push({ t: "global", module: moduleName, name });
        break;
      }
      case 0x93: {
        const nameNode = pop(at);
        const moduleNode = pop(at);
        if (moduleNode.t !== "str" || nameNode.t !== "str") r.fail("STACK_GLOBAL needs two strings", at);
        push({ t: "global", module: moduleNode.v, name: nameNode.v, moduleNode, nameNode });
        break;
      }
      case 0x52: {
        const args = pop(at);
        const func = pop(at);
        push(reduceNode(func, args, budget));
        break;
      }
      case 0x81: {
        const args = pop(at);
        const cls = pop(at);
        push(object("newobj", cls, args));
        break;
      }
      case 0x92: {
        const kwargs = pop(at);
        const args = pop(at);
        const cls = pop(at);
        push(object("newobj_ex", cls, args, kwargs));
        break;
      }
      case 0x69: {
        const moduleName = r.line();
        const name = r.line();
        const args = popMark(at);
        push(object("inst", { t: "global", module: moduleName, name }, { t: "tuple", items: args }));
        break;
      }
      case 0x6f: {
        const items = popMark(at);
        if (items.length === 0) r.fail("OBJ needs a class", at);
        push(object("obj", items[0], { t: "tuple", items: items.slice(1) }));
        break;
      }
      case 0x62: {
        const state = pop(at);
        const target = top(at);
        if (target.t !== "object") r.fail(`BUILD on ${target.t}`, at);
        target.states.push(state);
        break;
      }
      case 0x50:
        push({ t: "opaque", what: "persid", detail: r.line() });
        break;
      case 0x51:
        push({ t: "opaque", what: "persid", detail: "persistent id", id: pop(at) });
        break;
      case 0x82:
        push({ t: "opaque", what: "ext", detail: String(r.byte()) });
        break;
      case 0x83:
        push({ t: "opaque", what: "ext", detail: String(r.uint(2)) });
        break;
      case 0x84:
        push({ t: "opaque", what: "ext", detail: String(r.uint(4)) });
        break;
      default:
        r.fail(`unknown opcode 0x${op.toString(16).padStart(2, "0")}`, at);
    }
  }
}

function decodeUtf8(bytes: Uint8Array, r: Reader, at: number): string {
  const ascii = asciiOrUndefined(bytes);
  if (ascii !== undefined) return ascii;
  try {
    return utf8.decode(bytes);
  } catch {
    // CPython writes lone surrogates with "surrogatepass"; keep them rather than refuse the value.
    return decodeSurrogatePass(bytes) ?? r.fail("string is not valid UTF-8", at);
  }
}

function decodeSurrogatePass(bytes: Uint8Array): string | undefined {
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === 0xed && i + 2 < bytes.length && (bytes[i + 1] & 0xe0) === 0xa0 && (bytes[i + 2] & 0xc0) === 0x80) {
      out += String.fromCharCode(0xd000 | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f));
      i += 3;
      continue;
    }
    let j = i + 1;
    while (j < bytes.length && bytes[j] !== 0xed) j++;
    try {
      out += utf8.decode(bytes.subarray(i, j));
    } catch {
      return undefined;
    }
    i = j;
  }
  return out;
}

/**
 * Height of the tree (a back edge of a cycle does not count), computed without recursion so the check itself
 * cannot overflow. Walkers that skip nodes already on their path stay within this depth.
 */
function checkDepth(root: PickleNode, maxDepth: number): void {
  const height = new Map<PickleNode, number>();
  const onPath = new Set<PickleNode>();
  const work: { node: PickleNode; children: PickleNode[]; next: number; best: number }[] = [];
  const enter = (node: PickleNode) => {
    onPath.add(node);
    work.push({ node, children: childrenOf(node), next: 0, best: 0 });
    if (work.length > maxDepth) throw new CodecError("pickle", `nesting deeper than ${maxDepth}`);
  };
  enter(root);
  while (work.length > 0) {
    const frame = work[work.length - 1];
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (child.t === "int" || child.t === "str" || child.t === "none" || child.t === "bool" || child.t === "float" || child.t === "bytes") {
        frame.best = Math.max(frame.best, 1);
        continue;
      }
      const known = height.get(child);
      if (known !== undefined) frame.best = Math.max(frame.best, known);
      else if (!onPath.has(child)) enter(child);
      continue;
    }
    work.pop();
    onPath.delete(frame.node);
    const h = frame.best + 1;
    height.set(frame.node, h);
    if (h > maxDepth) throw new CodecError("pickle", `nesting deeper than ${maxDepth}`);
    if (work.length > 0) work[work.length - 1].best = Math.max(work[work.length - 1].best, h);
  }
}

export function childrenOf(node: PickleNode): PickleNode[] {
  switch (node.t) {
    case "list":
    case "tuple":
    case "set":
    case "frozenset":
      return node.items as PickleNode[];
    case "dict":
      return node.entries.flat();
    case "object": {
      const out = [node.callable, node.args, ...node.listItems, ...node.dictItems.flat(), ...node.states];
      if (node.kwargs) out.push(node.kwargs);
      return out;
    }
    case "opaque":
      return node.id ? [node.id] : [];
    default:
      return [];
  }
}
