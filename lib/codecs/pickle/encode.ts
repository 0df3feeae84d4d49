import { ByteWriter } from "../bytes";
import { CodecError } from "../codec-error";
import { pythonFloatRepr } from "../python-float";
import type { PickleBytes, PickleCall, PickleGlobal, PickleNode, PickleStr } from "./nodes";

/**
 * A port of CPython 3.11's C pickler (`Modules/_pickle.c`) over the pickle tree, so that a tree decoded from
 * CPython output writes back byte for byte: the same short opcodes, batches of 1000, memo indices, frames
 * of 64 KiB in protocol 4+, and the REDUCE spellings older protocols use for bytes, sets and bytearrays.
 * Memo references follow node identity, which the decoder preserves.
 */

const BATCH = 1000;
const FRAME_TARGET = 64 * 1024;
const FRAME_MIN = 4;
const FRAME_HEADER = 9;
const MAX_DEPTH = 1000;

const utf8 = new TextEncoder();
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** UTF-8 with lone surrogates written as three bytes, like CPython's "surrogatepass". */
function encodeUtf8(text: string): Uint8Array {
  if (!LONE_SURROGATE.test(text)) return utf8.encode(text);
  const parts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      parts.push(...utf8.encode(text.slice(i, i + 2)));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      parts.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    } else {
      parts.push(...utf8.encode(text[i]));
    }
  }
  return Uint8Array.from(parts);
}

/** `raw-unicode-escape` as `_pickle.c` writes it for protocol 0 `UNICODE`. */
function rawUnicodeEscape(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x10000) out += `\\U${cp.toString(16).padStart(8, "0")}`;
    else if (cp >= 256 || cp === 0x5c || cp === 0 || cp === 0x0a || cp === 0x0d || cp === 0x1a) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/** Minimal two's-complement little-endian bytes, as `LONG1`/`LONG4` want. */
function longBytes(v: bigint): Uint8Array {
  const abs = v < 0n ? -v : v;
  const nbits = abs.toString(2).length;
  let n = (nbits >> 3) + 1;
  const out = new Uint8Array(n);
  let x = v < 0n ? (1n << BigInt(n * 8)) + v : v;
  for (let i = 0; i < n; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (v < 0n && n > 1 && out[n - 1] === 0xff && (out[n - 2] & 0x80) !== 0) n--;
  return out.subarray(0, n);
}

class Pickler {
  private readonly out = new ByteWriter();
  private framing = false;
  private frameStart = -1;
  private readonly memo = new Map<PickleNode, number>();
  private readonly freshGlobals = new Map<string, PickleGlobal>();
  private readonly freshStrings = new Map<string, PickleStr>();
  /** Module name strings already written by `STACK_GLOBAL` (protocol 4+), which CPython shares per module. */
  private readonly moduleStrings = new Map<string, PickleStr>();
  private depth = 0;

  constructor(private readonly proto: number) {}

  dump(root: PickleNode): Uint8Array {
    if (this.proto >= 2) {
      this.write([0x80, this.proto]);
      if (this.proto >= 4) this.framing = true;
    }
    this.save(root);
    this.write([0x2e]);
    this.commitFrame();
    return this.out.result();
  }

  private write(data: Uint8Array | readonly number[]): void {
    if (this.framing && this.frameStart === -1) {
      this.frameStart = this.out.length;
      this.out.bytes(new Uint8Array(FRAME_HEADER));
    }
    this.out.bytes(data);
  }

  private writeAscii(text: string): void {
    const b = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
    this.write(b);
  }

  private commitFrame(): void {
    if (!this.framing || this.frameStart === -1) return;
    const len = this.out.length - this.frameStart - FRAME_HEADER;
    if (len >= FRAME_MIN) {
      this.out.set(this.frameStart, 0x95);
      let v = len;
      for (let i = 1; i < FRAME_HEADER; i++) {
        this.out.set(this.frameStart + i, v % 256);
        v = Math.floor(v / 256);
      }
    } else {
      this.out.splice(this.frameStart, FRAME_HEADER);
    }
    this.frameStart = -1;
  }

  /** Payloads of 64 KiB or more go outside any frame, after closing the current one. */
  private writeBytes(header: number[], payload: Uint8Array): void {
    const bypass = payload.length >= FRAME_TARGET;
    const framing = this.framing;
    if (bypass) {
      this.commitFrame();
      this.framing = false;
    }
    this.write(header);
    this.write(payload);
    this.framing = framing;
  }

  private sizeLE(n: number, width: number): number[] {
    const out: number[] = [];
    let v = n;
    for (let i = 0; i < width; i++) {
      out.push(v % 256);
      v = Math.floor(v / 256);
    }
    return out;
  }

  private memoPut(node: PickleNode): void {
    const idx = this.memo.size;
    this.memo.set(node, idx);
    if (this.proto >= 4) this.write([0x94]);
    else if (this.proto >= 1) this.write(idx < 256 ? [0x71, idx] : [0x72, ...this.sizeLE(idx, 4)]);
    else this.writeAscii(`p${idx}\n`);
  }

  private memoGet(idx: number): void {
    if (this.proto >= 1) this.write(idx < 256 ? [0x68, idx] : [0x6a, ...this.sizeLE(idx, 4)]);
    else this.writeAscii(`g${idx}\n`);
  }

  private save(node: PickleNode): void {
    if (this.framing && this.frameStart !== -1 && this.out.length - this.frameStart - FRAME_HEADER >= FRAME_TARGET) {
      this.commitFrame();
    }
    if (++this.depth > MAX_DEPTH) throw new CodecError("pickle", "value nested too deeply to encode");
    try {
      this.saveInner(node);
    } finally {
      this.depth--;
    }
  }

  private saveInner(node: PickleNode): void {
    switch (node.t) {
      case "none":
        return this.write([0x4e]);
      case "bool":
        if (this.proto >= 2) return this.write([node.v ? 0x88 : 0x89]);
        return this.writeAscii(node.v ? "I01\n" : "I00\n");
      case "int":
        return this.saveInt(node.v);
      case "float":
        if (this.proto >= 1) {
          const b = new Uint8Array(8);
          new DataView(b.buffer).setFloat64(0, node.v, false);
          return this.write([0x47, ...b]);
        }
        return this.writeAscii(`F${pythonFloatRepr(node.v)}\n`);
    }
    const seen = this.memo.get(node);
    if (seen !== undefined) return this.memoGet(seen);
    switch (node.t) {
      case "str":
        return this.saveStr(node);
      case "bytes":
        return this.saveBytes(node);
      case "bytearray":
        if (this.proto < 5) {
          const args: PickleNode =
            node.v.length === 0 ? { t: "tuple", items: [] } : { t: "tuple", items: [{ t: "bytes", v: node.v }] };
          return this.saveCall(node, node.origin ?? { func: this.builtin("bytearray"), args });
        }
        this.writeBytes([0x96, ...this.sizeLE(node.v.length, 8)], node.v);
        return this.memoPut(node);
      case "list":
        this.write(this.proto >= 1 ? [0x5d] : [0x28, 0x6c]);
        this.memoPut(node);
        return this.saveListItems(node.items, true);
      case "dict":
        this.write(this.proto >= 1 ? [0x7d] : [0x28, 0x64]);
        this.memoPut(node);
        return this.saveDictItems(node.entries, true);
      case "tuple":
        return this.saveTuple(node);
      case "set":
      case "frozenset":
        return this.saveSet(node);
      case "global":
        return this.saveGlobal(node);
      case "object":
        return this.saveObject(node);
      case "opaque":
        return this.saveOpaque(node);
    }
  }

  private saveInt(v: bigint): void {
    if (v >= -0x80000000n && v <= 0x7fffffffn) {
      const n = Number(v);
      if (this.proto >= 1) {
        const u = n >>> 0;
        if (u > 0xffff) this.write([0x4a, u & 0xff, (u >>> 8) & 0xff, (u >>> 16) & 0xff, u >>> 24]);
        else if (u > 0xff) this.write([0x4d, u & 0xff, u >>> 8]);
        else this.write([0x4b, u]);
      } else {
        this.writeAscii(`I${n}\n`);
      }
      return;
    }
    if (this.proto >= 2) {
      const b = longBytes(v);
      if (b.length < 256) this.write([0x8a, b.length, ...b]);
      else this.write([0x8b, ...this.sizeLE(b.length, 4), ...b]);
    } else {
      this.writeAscii(`L${v}L\n`);
    }
  }

  private saveStr(node: PickleStr): void {
    if (this.proto >= 1) {
      const data = encodeUtf8(node.v);
      let header: number[];
      if (data.length <= 0xff && this.proto >= 4) header = [0x8c, data.length];
      else if (data.length > 0xffffffff && this.proto >= 4) header = [0x8d, ...this.sizeLE(data.length, 8)];
      else header = [0x58, ...this.sizeLE(data.length, 4)];
      this.writeBytes(header, data);
    } else {
      this.writeAscii("V");
      const escaped = rawUnicodeEscape(node.v);
      this.write(Uint8Array.from(escaped, (c) => c.charCodeAt(0)));
      this.writeAscii("\n");
    }
    this.memoPut(node);
  }

  private saveBytes(node: PickleBytes): void {
    if (this.proto < 3) {
      // CPython's own spelling (with its one shared `'latin1'` string) is rebuilt, so that bytes read and bytes
      // added by an edit share it as they would in Python; any other call is written as it was read.
      if (node.origin && !isLatin1Call(node.origin)) return this.saveCall(node, node.origin);
      if (node.v.length === 0) return this.saveCall(node, { func: this.builtin("bytes"), args: { t: "tuple", items: [] } });
      const text = latin1String(node.v);
      const func = this.fresh("_codecs", "encode");
      return this.saveCall(node, { func, args: { t: "tuple", items: [{ t: "str", v: text }, this.freshStr("latin1")] } });
    }
    const n = node.v.length;
    const header = n <= 0xff ? [0x43, n] : n <= 0xffffffff ? [0x42, ...this.sizeLE(n, 4)] : [0x8e, ...this.sizeLE(n, 8)];
    this.writeBytes(header, node.v);
    this.memoPut(node);
  }

  private saveTuple(node: PickleNode & { t: "tuple" }): void {
    const n = node.items.length;
    if (n === 0) return this.write(this.proto >= 1 ? [0x29] : [0x28, 0x74]);
    if (n <= 3 && this.proto >= 2) {
      for (const item of node.items) this.save(item);
      const seen = this.memo.get(node);
      if (seen !== undefined) {
        this.write(new Array<number>(n).fill(0x30));
        return this.memoGet(seen);
      }
      this.write([0x84 + n]);
      return this.memoPut(node);
    }
    this.write([0x28]);
    for (const item of node.items) this.save(item);
    const seen = this.memo.get(node);
    if (seen !== undefined) {
      this.write(this.proto >= 1 ? [0x31] : new Array<number>(n + 1).fill(0x30));
      return this.memoGet(seen);
    }
    this.write([0x74]);
    this.memoPut(node);
  }

  private saveSet(node: PickleNode & { t: "set" | "frozenset" }): void {
    if (this.proto < 4) {
      const args: PickleNode = { t: "tuple", items: [{ t: "list", items: node.items.slice() }] };
      return this.saveCall(node, node.origin ?? { func: this.builtin(node.t), args });
    }
    if (node.t === "frozenset") {
      this.write([0x28]);
      for (const item of node.items) this.save(item);
      const seen = this.memo.get(node);
      if (seen !== undefined) {
        this.write([0x31]);
        return this.memoGet(seen);
      }
      this.write([0x91]);
      return this.memoPut(node);
    }
    this.write([0x8f]);
    this.memoPut(node);
    if (node.items.length === 0) return;
    let at = 0;
    let inBatch: number;
    do {
      inBatch = 0;
      this.write([0x28]);
      while (at < node.items.length) {
        this.save(node.items[at++]);
        if (++inBatch === BATCH) break;
      }
      this.write([0x90]);
    } while (inBatch === BATCH);
  }

  /** List items of an exact list (`exact`) or of a REDUCE'd object, which CPython batches differently. */
  private saveListItems(items: readonly PickleNode[], exact: boolean): void {
    if (items.length === 0) return;
    if (this.proto === 0) {
      for (const item of items) {
        this.save(item);
        this.write([0x61]);
      }
      return;
    }
    if (exact && items.length === 1) {
      this.save(items[0]);
      return this.write([0x61]);
    }
    let at = 0;
    if (exact) {
      do {
        let inBatch = 0;
        this.write([0x28]);
        while (at < items.length) {
          this.save(items[at++]);
          if (++inBatch === BATCH) break;
        }
        this.write([0x65]);
      } while (at < items.length);
      return;
    }
    while (at < items.length) {
      if (at + 1 === items.length) {
        this.save(items[at++]);
        this.write([0x61]);
        break;
      }
      this.write([0x28]);
      const end = Math.min(at + BATCH, items.length);
      while (at < end) this.save(items[at++]);
      this.write([0x65]);
    }
  }

  private saveDictItems(entries: readonly [PickleNode, PickleNode][], exact: boolean): void {
    if (entries.length === 0) return;
    if (this.proto === 0) {
      for (const [k, v] of entries) {
        this.save(k);
        this.save(v);
        this.write([0x73]);
      }
      return;
    }
    if (exact && entries.length === 1) {
      this.save(entries[0][0]);
      this.save(entries[0][1]);
      return this.write([0x73]);
    }
    let at = 0;
    if (exact) {
      // `batch_dict_exact` loops while a batch was full, so a multiple of 1000 ends with an empty batch.
      let inBatch: number;
      do {
        inBatch = 0;
        this.write([0x28]);
        while (at < entries.length) {
          this.save(entries[at][0]);
          this.save(entries[at][1]);
          at++;
          if (++inBatch === BATCH) break;
        }
        this.write([0x75]);
      } while (inBatch === BATCH);
      return;
    }
    while (at < entries.length) {
      if (at + 1 === entries.length) {
        this.save(entries[at][0]);
        this.save(entries[at][1]);
        at++;
        this.write([0x73]);
        break;
      }
      this.write([0x28]);
      const end = Math.min(at + BATCH, entries.length);
      for (; at < end; at++) {
        this.save(entries[at][0]);
        this.save(entries[at][1]);
      }
      this.write([0x75]);
    }
  }

  private saveGlobal(node: PickleGlobal): void {
    const key = `${node.module}\n${node.name}`;
    // One class is one object to CPython, memoized when first written: any later mention of it is a reference.
    const known = this.freshGlobals.get(key);
    if (known && known !== node) return this.save(known);
    if (!known) this.freshGlobals.set(key, node);
    if (this.proto >= 4) {
      let moduleNode = node.moduleNode ?? (node.fresh ? this.moduleStrings.get(node.module) : undefined);
      if (!moduleNode) moduleNode = { t: "str", v: node.module };
      if (!this.moduleStrings.has(node.module)) this.moduleStrings.set(node.module, moduleNode);
      this.save(moduleNode);
      this.save(node.nameNode ?? { t: "str", v: node.name });
      this.write([0x93]);
    } else {
      if (node.module.includes("\n") || node.name.includes("\n")) {
        throw new CodecError("pickle", "a global name with a newline cannot be written in this protocol");
      }
      this.write(Uint8Array.from(`c${node.module}\n${node.name}\n`, (c) => c.charCodeAt(0) & 0xff));
    }
    this.memoPut(node);
  }

  /** `save_reduce` for a call whose result is `node`, including its recursion check. */
  private saveCall(node: PickleNode, call: PickleCall): void {
    this.save(call.func);
    this.save(call.args);
    this.write([0x52]);
    this.finishCall(node);
  }

  private finishCall(node: PickleNode): boolean {
    const seen = this.memo.get(node);
    if (seen !== undefined) {
      this.write([0x30]);
      this.memoGet(seen);
      return false;
    }
    this.memoPut(node);
    return true;
  }

  private saveObject(node: PickleNode & { t: "object" }): void {
    switch (node.how) {
      case "reduce":
        this.save(node.callable);
        this.save(node.args);
        this.write([0x52]);
        break;
      case "newobj":
        this.save(node.callable);
        this.save(node.args);
        this.write([0x81]);
        break;
      case "newobj_ex":
        this.save(node.callable);
        this.save(node.args);
        this.save(node.kwargs ?? { t: "dict", entries: [] });
        this.write([0x92]);
        break;
      case "inst": {
        const g = node.callable;
        if (g.t !== "global" || node.args.t !== "tuple") throw new CodecError("pickle", "INST needs a class name");
        this.write([0x28]);
        for (const a of node.args.items) this.save(a);
        this.write(Uint8Array.from(`i${g.module}\n${g.name}\n`, (c) => c.charCodeAt(0) & 0xff));
        break;
      }
      case "obj": {
        if (node.args.t !== "tuple") throw new CodecError("pickle", "OBJ needs an argument tuple");
        this.write([0x28]);
        this.save(node.callable);
        for (const a of node.args.items) this.save(a);
        this.write([0x6f]);
        break;
      }
    }
    if (!this.finishCall(node)) return;
    this.saveListItems(node.listItems, false);
    this.saveDictItems(node.dictItems, false);
    for (const state of node.states) {
      this.save(state);
      this.write([0x62]);
    }
  }

  private saveOpaque(node: PickleNode & { t: "opaque" }): void {
    if (node.what === "persid") {
      if (node.id) {
        this.save(node.id);
        return this.write([0x51]);
      }
      return this.write(Uint8Array.from(`P${node.detail}\n`, (c) => c.charCodeAt(0) & 0xff));
    }
    if (node.what === "ext") {
      const code = Number(node.detail);
      if (code < 256) return this.write([0x82, code]);
      if (code < 65536) return this.write([0x83, ...this.sizeLE(code, 2)]);
      return this.write([0x84, ...this.sizeLE(code, 4)]);
    }
    throw new CodecError("pickle", "out-of-band buffers cannot be written back");
  }

  /** CPython writes builtins as `__builtin__` below protocol 3 (`fix_imports`). */
  private builtin(name: string): PickleGlobal {
    return this.fresh(this.proto < 3 ? "__builtin__" : "builtins", name);
  }

  /** One node per name per dump, so repeated uses become memo references as CPython's shared objects do. */
  private fresh(module: string, name: string): PickleGlobal {
    const key = `${module}\n${name}`;
    let g = this.freshGlobals.get(key);
    if (!g) {
      g = { t: "global", module, name, fresh: true };
      this.freshGlobals.set(key, g);
    }
    return g;
  }

  private freshStr(text: string): PickleStr {
    let s = this.freshStrings.get(text);
    if (!s) {
      s = { t: "str", v: text };
      this.freshStrings.set(text, s);
    }
    return s;
  }
}

function isLatin1Call(call: PickleCall): boolean {
  const { func, args } = call;
  if (func.t !== "global" || func.module !== "_codecs" || func.name !== "encode" || args.t !== "tuple" || args.items.length !== 2) return false;
  const [text, encoding] = args.items;
  return text.t === "str" && !text.legacy && encoding.t === "str" && encoding.v === "latin1" && !encoding.legacy;
}

function latin1String(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return out;
}

/** Writes `root` in `protocol` (0–5) exactly as CPython 3.11's `pickle.dumps` would for the same objects. */
export function encodePickle(root: PickleNode, protocol: number): Uint8Array {
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 5) throw new CodecError("pickle", `unsupported protocol ${protocol}`);
  return new Pickler(protocol).dump(root);
}
