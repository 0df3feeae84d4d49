import { ByteWriter } from "../bytes";
import { CodecError } from "../codec-error";
import { MAX_DEPTH, type DecodedMsgpack, type MsgpackNode } from "./nodes";

const utf8Encoder = new TextEncoder();

/** Writes the tree back, each node with the header it was read with (else the shortest, as msgpack-python). */
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
