import { CodecError } from "../codec-error";
import { pythonFloatRepr } from "../python-float";
import { writeDictItems, writeListItems, writeSetItems, type ItemSink } from "./batches";
import { PickleOutput, sizeLE } from "./frames";
import type { PickleBytes, PickleCall, PickleGlobal, PickleNode, PickleStr } from "./nodes";
import { encodeUtf8, isLatin1Call, latin1String, longBytes, rawUnicodeEscape } from "./spelling";

/**
 * A port of CPython 3.11's C pickler (`Modules/_pickle.c`) over the pickle tree, so that a tree decoded from
 * CPython output writes back byte for byte: the same short opcodes, batches of 1000, memo indices, frames
 * of 64 KiB in protocol 4+, and the REDUCE spellings older protocols use for bytes, sets and bytearrays.
 * Memo references follow node identity, which the decoder preserves.
 */

const MAX_DEPTH = 1000;

/** `save` per node type, as `_pickle.c` spells each; the bytes go out through `PickleOutput` (framing, memo). */
class Pickler extends PickleOutput {
  private readonly freshGlobals = new Map<string, PickleGlobal>();
  private readonly freshStrings = new Map<string, PickleStr>();
  /** Module name strings already written by `STACK_GLOBAL` (protocol 4+), which CPython shares per module. */
  private readonly moduleStrings = new Map<string, PickleStr>();
  private depth = 0;
  private readonly sink: ItemSink = { proto: this.proto, save: (node) => this.save(node), write: (data) => this.write(data) };

  dump(root: PickleNode): Uint8Array {
    this.begin();
    this.save(root);
    return this.finish();
  }

  private save(node: PickleNode): void {
    this.frameBoundary();
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
        this.writeBytes([0x96, ...sizeLE(node.v.length, 8)], node.v);
        return this.memoPut(node);
      case "list":
        this.write(this.proto >= 1 ? [0x5d] : [0x28, 0x6c]);
        this.memoPut(node);
        return writeListItems(this.sink, node.items, true);
      case "dict":
        this.write(this.proto >= 1 ? [0x7d] : [0x28, 0x64]);
        this.memoPut(node);
        return writeDictItems(this.sink, node.entries, true);
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
      else this.write([0x8b, ...sizeLE(b.length, 4), ...b]);
    } else {
      this.writeAscii(`L${v}L\n`);
    }
  }

  private saveStr(node: PickleStr): void {
    if (this.proto >= 1) {
      const data = encodeUtf8(node.v);
      let header: number[];
      if (data.length <= 0xff && this.proto >= 4) header = [0x8c, data.length];
      else if (data.length > 0xffffffff && this.proto >= 4) header = [0x8d, ...sizeLE(data.length, 8)];
      else header = [0x58, ...sizeLE(data.length, 4)];
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
    const header = n <= 0xff ? [0x43, n] : n <= 0xffffffff ? [0x42, ...sizeLE(n, 4)] : [0x8e, ...sizeLE(n, 8)];
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
    writeSetItems(this.sink, node.items);
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
    writeListItems(this.sink, node.listItems, false);
    writeDictItems(this.sink, node.dictItems, false);
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
      if (code < 65536) return this.write([0x83, ...sizeLE(code, 2)]);
      return this.write([0x84, ...sizeLE(code, 4)]);
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

/** Writes `root` in `protocol` (0–5) exactly as CPython 3.11's `pickle.dumps` would for the same objects. */
export function encodePickle(root: PickleNode, protocol: number): Uint8Array {
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 5) throw new CodecError("pickle", `unsupported protocol ${protocol}`);
  return new Pickler(protocol).dump(root);
}
