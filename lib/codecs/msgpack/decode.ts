import type { Budget } from "../budget";
import { CodecError } from "../codec-error";
import { MAX_DEPTH, type DecodedMsgpack, type MsgpackNode } from "./nodes";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

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
