import { ByteWriter, bytesEqual } from "./bytes";
import type { Budget } from "./budget";
import { CodecError } from "./codec-error";
import type { PlainValue } from "./plain";

/**
 * msgpack with every type, including bin, ext and the timestamp extension (type -1). Python's msgpack
 * always picks the shortest header; other writers may not, so a node that was read with a longer header
 * than needed remembers its first byte (`head`) and is written back with it.
 */
export type MsgpackNode =
  | { readonly t: "nil" }
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "int"; readonly v: bigint; readonly head?: number }
  | { readonly t: "float"; readonly v: number; readonly single: boolean }
  | { readonly t: "str"; readonly v: string; readonly head?: number; readonly invalidUtf8?: Uint8Array }
  | { readonly t: "bin"; readonly v: Uint8Array; readonly head?: number }
  | { readonly t: "array"; readonly items: MsgpackNode[]; readonly head?: number }
  | { readonly t: "map"; readonly entries: [MsgpackNode, MsgpackNode][]; readonly head?: number }
  | { readonly t: "ext"; readonly type: number; readonly data: Uint8Array; readonly head?: number }
  | { readonly t: "timestamp"; readonly seconds: bigint; readonly nanoseconds: number; readonly size?: 4 | 8 | 12 };

export interface DecodedMsgpack {
  readonly format: "msgpack";
  readonly root: MsgpackNode;
}

const MAX_DEPTH = 400;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(
    private readonly data: Uint8Array,
    private readonly budget: Budget | undefined,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  fail(message: string, at = this.pos): never {
    throw new CodecError("msgpack", message, at);
  }

  need(n: number): void {
    if (this.pos + n > this.data.length) this.fail("unexpected end of data");
  }

  u8(): number {
    this.need(1);
    return this.data[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  take(n: number): Uint8Array {
    this.need(n);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Every element takes at least one byte, so a count larger than what is left is a lie: refuse it early. */
  count(n: number, perItem: number): number {
    if (n * perItem > this.data.length - this.pos) this.fail(`declared ${n} elements but only ${this.data.length - this.pos} bytes remain`);
    return n;
  }

  value(depth: number): MsgpackNode {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.budget?.spendSteps("msgpack");
    const at = this.pos;
    const b = this.u8();
    if (b <= 0x7f) return { t: "int", v: BigInt(b) };
    if (b >= 0xe0) return { t: "int", v: BigInt(b - 0x100) };
    if (b >= 0x80 && b <= 0x8f) return this.map(b & 0x0f, depth, b);
    if (b >= 0x90 && b <= 0x9f) return this.array(b & 0x0f, depth, b);
    if (b >= 0xa0 && b <= 0xbf) return this.str(b & 0x1f, b);
    const v = this.view;
    switch (b) {
      case 0xc0:
        return { t: "nil" };
      case 0xc2:
        return { t: "bool", v: false };
      case 0xc3:
        return { t: "bool", v: true };
      case 0xc4:
        return { t: "bin", v: this.take(this.u8()).slice(), head: b };
      case 0xc5:
        return { t: "bin", v: this.take(this.u16()).slice(), head: b };
      case 0xc6:
        return { t: "bin", v: this.take(this.u32()).slice(), head: b };
      case 0xc7:
        return this.ext(this.u8(), b);
      case 0xc8:
        return this.ext(this.u16(), b);
      case 0xc9:
        return this.ext(this.u32(), b);
      case 0xca: {
        this.need(4);
        const f = v.getFloat32(this.pos);
        this.pos += 4;
        return { t: "float", v: f, single: true };
      }
      case 0xcb: {
        this.need(8);
        const f = v.getFloat64(this.pos);
        this.pos += 8;
        return { t: "float", v: f, single: false };
      }
      case 0xcc:
        return { t: "int", v: BigInt(this.u8()), head: b };
      case 0xcd:
        return { t: "int", v: BigInt(this.u16()), head: b };
      case 0xce:
        return { t: "int", v: BigInt(this.u32()), head: b };
      case 0xcf: {
        this.need(8);
        const n = v.getBigUint64(this.pos);
        this.pos += 8;
        return { t: "int", v: n, head: b };
      }
      case 0xd0:
        this.need(1);
        return { t: "int", v: BigInt(v.getInt8(this.pos++)), head: b };
      case 0xd1: {
        this.need(2);
        const n = v.getInt16(this.pos);
        this.pos += 2;
        return { t: "int", v: BigInt(n), head: b };
      }
      case 0xd2: {
        this.need(4);
        const n = v.getInt32(this.pos);
        this.pos += 4;
        return { t: "int", v: BigInt(n), head: b };
      }
      case 0xd3: {
        this.need(8);
        const n = v.getBigInt64(this.pos);
        this.pos += 8;
        return { t: "int", v: n, head: b };
      }
      case 0xd4:
        return this.ext(1, b);
      case 0xd5:
        return this.ext(2, b);
      case 0xd6:
        return this.ext(4, b);
      case 0xd7:
        return this.ext(8, b);
      case 0xd8:
        return this.ext(16, b);
      case 0xd9:
        return this.str(this.u8(), b);
      case 0xda:
        return this.str(this.u16(), b);
      case 0xdb:
        return this.str(this.u32(), b);
      case 0xdc:
        return this.array(this.u16(), depth, b);
      case 0xdd:
        return this.array(this.u32(), depth, b);
      case 0xde:
        return this.map(this.u16(), depth, b);
      case 0xdf:
        return this.map(this.u32(), depth, b);
      default:
        return this.fail("reserved type byte 0xc1", at);
    }
  }

  private str(n: number, head: number): MsgpackNode {
    const raw = this.take(n);
    try {
      return { t: "str", v: utf8.decode(raw), head };
    } catch {
      // Old msgpack (raw=True) wrote bytes as str; keep them instead of refusing the whole value.
      return { t: "str", v: new TextDecoder("latin1").decode(raw), head, invalidUtf8: raw.slice() };
    }
  }

  private array(n: number, depth: number, head: number): MsgpackNode {
    const items: MsgpackNode[] = [];
    for (let i = this.count(n, 1); i > 0; i--) items.push(this.value(depth + 1));
    return { t: "array", items, head };
  }

  private map(n: number, depth: number, head: number): MsgpackNode {
    const entries: [MsgpackNode, MsgpackNode][] = [];
    for (let i = this.count(n, 2); i > 0; i--) entries.push([this.value(depth + 1), this.value(depth + 1)]);
    return { t: "map", entries, head };
  }

  private ext(n: number, head: number): MsgpackNode {
    this.need(1);
    const type = this.view.getInt8(this.pos++);
    const at = this.pos;
    const data = this.take(n).slice();
    if (type !== -1) return { t: "ext", type, data, head };
    const dv = new DataView(data.buffer);
    if (n === 4) return { t: "timestamp", seconds: BigInt(dv.getUint32(0)), nanoseconds: 0, size: 4 };
    if (n === 8) {
      const all = dv.getBigUint64(0);
      return { t: "timestamp", seconds: all & 0x3ffffffffn, nanoseconds: Number(all >> 34n), size: 8 };
    }
    if (n === 12) return { t: "timestamp", seconds: dv.getBigInt64(4), nanoseconds: dv.getUint32(0), size: 12 };
    return this.fail(`timestamp extension of ${n} bytes`, at);
  }
}

/** With a `budget`, every value read spends a step of it. */
export function decodeMsgpack(bytes: Uint8Array, budget?: Budget): DecodedMsgpack {
  const r = new Reader(bytes, budget);
  const root = r.value(0);
  if (r.pos !== bytes.length) r.fail("trailing bytes after the value");
  return { format: "msgpack", root };
}

export function encodeMsgpack(decoded: DecodedMsgpack): Uint8Array {
  const w = new ByteWriter();
  /** `fix` is the fixed-size form (base byte, largest n); `sized` are the 8/16/32-bit forms, smallest first. */
  const lenHeader = (n: number, head: number | undefined, fix: [number, number] | null, sized: [number, number][]) => {
    const options: [number, number][] = [];
    if (fix && n <= fix[1]) options.push([fix[0], 0]);
    for (const [code, width] of sized) if (n < 2 ** (8 * width)) options.push([code, width]);
    const isFixHead = (h: number) => fix !== null && h >= fix[0] && h <= fix[0] + fix[1];
    const [code, width] =
      options.find(([c, wd]) => head !== undefined && (wd === 0 ? isFixHead(head) : c === head)) ?? options[0];
    if (width === 0) return w.byte(code | n);
    w.byte(code);
    w.uintBE(n, width);
  };
  const write = (node: MsgpackNode, depth: number) => {
    if (depth > MAX_DEPTH) throw new CodecError("msgpack", "value nested too deeply to encode");
    switch (node.t) {
      case "nil":
        return w.byte(0xc0);
      case "bool":
        return w.byte(node.v ? 0xc3 : 0xc2);
      case "int":
        return writeInt(w, node.v, node.head);
      case "float": {
        const b = new Uint8Array(node.single ? 4 : 8);
        const dv = new DataView(b.buffer);
        if (node.single) dv.setFloat32(0, node.v);
        else dv.setFloat64(0, node.v);
        w.byte(node.single ? 0xca : 0xcb);
        return w.bytes(b);
      }
      case "str": {
        const data = node.invalidUtf8 ?? utf8Encoder.encode(node.v);
        lenHeader(data.length, node.head, [0xa0, 31], [[0xd9, 1], [0xda, 2], [0xdb, 4]]);
        return w.bytes(data);
      }
      case "bin":
        lenHeader(node.v.length, node.head, null, [[0xc4, 1], [0xc5, 2], [0xc6, 4]]);
        return w.bytes(node.v);
      case "array":
        lenHeader(node.items.length, node.head, [0x90, 15], [[0xdc, 2], [0xdd, 4]]);
        for (const item of node.items) write(item, depth + 1);
        return;
      case "map":
        lenHeader(node.entries.length, node.head, [0x80, 15], [[0xde, 2], [0xdf, 4]]);
        for (const [k, v] of node.entries) {
          write(k, depth + 1);
          write(v, depth + 1);
        }
        return;
      case "ext":
        return writeExt(w, node.type, node.data, node.head);
      case "timestamp":
        return writeExt(w, -1, timestampBytes(node.seconds, node.nanoseconds, node.size), undefined);
    }
  };
  write(decoded.root, 0);
  return w.result();
}

function writeExt(w: ByteWriter, type: number, data: Uint8Array, head: number | undefined): void {
  const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
  const n = data.length;
  const useFixed = fixed[n] !== undefined && (head === undefined || head === fixed[n]);
  if (useFixed) {
    w.byte(fixed[n]);
  } else if (n <= 0xff && (head === undefined || head === 0xc7)) {
    w.byte(0xc7);
    w.byte(n);
  } else if (n <= 0xffff && head !== 0xc9) {
    w.byte(0xc8);
    w.uintBE(n, 2);
  } else {
    w.byte(0xc9);
    w.uintBE(n, 4);
  }
  w.byte(type & 0xff);
  w.bytes(data);
}

/** The size msgpack-python picks: 32-bit seconds, then 30+34 bits, then the 96-bit form. */
function timestampBytes(seconds: bigint, nanoseconds: number, size: 4 | 8 | 12 | undefined): Uint8Array {
  const fits4 = nanoseconds === 0 && seconds >= 0n && seconds < 1n << 32n;
  const fits8 = seconds >= 0n && seconds < 1n << 34n;
  const chosen = size === 4 && fits4 ? 4 : size === 8 && fits8 ? 8 : size === 12 ? 12 : fits4 ? 4 : fits8 ? 8 : 12;
  const out = new Uint8Array(chosen);
  const dv = new DataView(out.buffer);
  if (chosen === 4) dv.setUint32(0, Number(seconds));
  else if (chosen === 8) dv.setBigUint64(0, (BigInt(nanoseconds) << 34n) | seconds);
  else {
    dv.setUint32(0, nanoseconds);
    dv.setBigInt64(4, seconds);
  }
  return out;
}

function writeInt(w: ByteWriter, v: bigint, head: number | undefined): void {
  const ranges: [number, bigint, bigint][] = [
    [0xcc, 0n, 0xffn],
    [0xcd, 0n, 0xffffn],
    [0xce, 0n, 0xffffffffn],
    [0xcf, 0n, 0xffffffffffffffffn],
    [0xd0, -0x80n, 0x7fn],
    [0xd1, -0x8000n, 0x7fffn],
    [0xd2, -0x80000000n, 0x7fffffffn],
    [0xd3, -0x8000000000000000n, 0x7fffffffffffffffn],
  ];
  const forced = ranges.find(([h, lo, hi]) => h === head && v >= lo && v <= hi);
  let chosen = forced?.[0];
  if (chosen === undefined) {
    if (v >= 0n && v <= 0x7fn) return w.byte(Number(v));
    if (v < 0n && v >= -32n) return w.byte(Number(v) & 0xff);
    const order = v >= 0n ? [0xcc, 0xcd, 0xce, 0xcf] : [0xd0, 0xd1, 0xd2, 0xd3];
    chosen = order.find((h) => {
      const [, lo, hi] = ranges.find(([x]) => x === h)!;
      return v >= lo && v <= hi;
    });
    if (chosen === undefined) throw new CodecError("msgpack", `integer ${v} does not fit in 64 bits`);
  }
  const width = { 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8 }[chosen]!;
  w.byte(chosen);
  w.uintBE(v < 0n ? (1n << BigInt(width * 8)) + v : v, width);
}

export function msgpackToPlain(node: MsgpackNode): PlainValue {
  switch (node.t) {
    case "nil":
      return null;
    case "bool":
    case "int":
    case "str":
      return node.v;
    case "float":
      return node.single ? { kind: "float32", value: node.v } : node.v;
    case "bin":
      return node.v;
    case "array":
      return node.items.map(msgpackToPlain);
    case "map":
      return { kind: "dict", entries: node.entries.map(([k, v]) => [msgpackToPlain(k), msgpackToPlain(v)]) };
    case "ext":
      return { kind: "ext", type: node.type, data: node.data };
    case "timestamp":
      return { kind: "timestamp", seconds: node.seconds, nanoseconds: node.nanoseconds };
  }
}

/** Keeps each original node's header width where the edit left the value alone. */
export function plainToMsgpack(v: PlainValue, orig?: MsgpackNode): MsgpackNode {
  if (v === null) return { t: "nil" };
  if (typeof v === "boolean") return { t: "bool", v };
  if (typeof v === "bigint") return orig?.t === "int" && orig.v === v ? orig : { t: "int", v };
  if (typeof v === "number") return { t: "float", v, single: false };
  if (typeof v === "string") return orig?.t === "str" && orig.v === v ? orig : { t: "str", v };
  if (v instanceof Uint8Array) return orig?.t === "bin" && bytesEqual(orig.v, v) ? orig : { t: "bin", v };
  if (Array.isArray(v)) {
    const items = orig?.t === "array" ? orig.items : [];
    return { t: "array", items: v.map((x, i) => plainToMsgpack(x, items[i])), head: orig?.t === "array" ? orig.head : undefined };
  }
  switch (v.kind) {
    case "dict": {
      const entries = orig?.t === "map" ? orig.entries : [];
      return {
        t: "map",
        entries: v.entries.map(([k, x], i) => [plainToMsgpack(k, entries[i]?.[0]), plainToMsgpack(x, entries[i]?.[1])]),
        head: orig?.t === "map" ? orig.head : undefined,
      };
    }
    case "tuple":
      return plainToMsgpack(v.items, orig);
    case "float32":
      return { t: "float", v: v.value, single: true };
    case "ext":
      return { t: "ext", type: v.type, data: v.data, head: orig?.t === "ext" ? orig.head : undefined };
    case "timestamp":
      return { t: "timestamp", seconds: v.seconds, nanoseconds: v.nanoseconds, size: orig?.t === "timestamp" ? orig.size : undefined };
    default:
      throw new CodecError("msgpack", `msgpack cannot hold a ${v.kind === "pyobject" ? `Python ${v.type}` : v.kind}`);
  }
}
