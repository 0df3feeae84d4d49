import { ByteWriter } from "../bytes";
import type { Budget } from "../budget";
import { CodecError } from "../codec-error";
import { CappedOutput } from "./output";

/** LZ4 frame format (what `lz4.frame.compress` and the `lz4` tool write), decoded in plain TypeScript. */
export function lz4FrameDecode(data: Uint8Array, cap: number, budget?: Budget): Uint8Array {
  const out = new CappedOutput("lz4", cap, data.length * 4, budget);
  let pos = 0;
  const fail = (message: string): never => {
    throw new CodecError("lz4", message, pos);
  };
  const u32 = () => {
    if (pos + 4 > data.length) fail("unexpected end of data");
    const v = (data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16) | (data[pos + 3] << 24)) >>> 0;
    pos += 4;
    return v;
  };
  while (pos < data.length) {
    const magic = u32();
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      pos += u32();
      continue;
    }
    if (magic !== 0x184d2204) fail("not an LZ4 frame");
    if (pos + 2 > data.length) fail("unexpected end of data");
    const flg = data[pos];
    pos += 2;
    if (flg >> 6 !== 1) fail("unsupported LZ4 frame version");
    const blockChecksum = (flg & 0x10) !== 0;
    if (flg & 0x08) pos += 8;
    if (flg & 0x01) pos += 4;
    pos += 1;
    for (;;) {
      const size = u32();
      if (size === 0) break;
      const n = size & 0x7fffffff;
      if (pos + n > data.length) fail("block runs past the end");
      const block = data.subarray(pos, pos + n);
      if (size & 0x80000000) out.push(block);
      else lz4BlockDecode(block, out, pos);
      pos += n + (blockChecksum ? 4 : 0);
    }
    if (flg & 0x04) pos += 4;
  }
  if (pos > data.length) fail("unexpected end of data");
  return out.result();
}

function lz4BlockDecode(src: Uint8Array, out: CappedOutput, base: number): void {
  let i = 0;
  const fail = (message: string): never => {
    throw new CodecError("lz4", message, base + i);
  };
  while (i < src.length) {
    const token = src[i++];
    let lit = token >> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (i >= src.length) fail("truncated literal length");
        b = src[i++];
        lit += b;
      } while (b === 255);
    }
    if (i + lit > src.length) fail("literals run past the block");
    out.push(src.subarray(i, i + lit));
    i += lit;
    if (i === src.length) return;
    if (i + 2 > src.length) fail("truncated match offset");
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > out.length) fail("match offset out of range");
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (i >= src.length) fail("truncated match length");
        b = src[i++];
        len += b;
      } while (b === 255);
    }
    out.ensure(len);
    const buf = out.buf;
    let from = out.length - offset;
    let to = out.length;
    for (let k = 0; k < len; k++) buf[to++] = buf[from++];
    out.length = to;
  }
}

/** xxHash32 of fewer than 16 bytes: all an LZ4 frame descriptor checksum needs. */
function xxh32Short(data: Uint8Array): number {
  const P1 = 2654435761;
  const P2 = 2246822519;
  const P3 = 3266489917;
  const P4 = 668265263;
  const P5 = 374761393;
  const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
  let h = (P5 + data.length) >>> 0;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    const v = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) >>> 0;
    h = Math.imul(rotl((h + Math.imul(v, P3)) >>> 0, 17), P4) >>> 0;
  }
  for (; i < data.length; i++) h = Math.imul(rotl((h + Math.imul(data[i], P5)) >>> 0, 11), P1) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, P2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, P3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A valid LZ4 frame made of stored (uncompressed) blocks. There is no LZ4 compressor here; every LZ4 reader
 * accepts stored blocks, so an edited value stays readable by the app, just not smaller.
 */
export function lz4FrameStore(data: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.bytes([0x04, 0x22, 0x4d, 0x18]);
  const descriptor = new Uint8Array([0x60, 0x70]);
  w.bytes(descriptor);
  w.byte((xxh32Short(descriptor) >>> 8) & 0xff);
  const max = 4 * 1024 * 1024;
  for (let at = 0; at < data.length; at += max) {
    const block = data.subarray(at, at + max);
    w.uintLE(block.length + 0x80000000, 4);
    w.bytes(block);
  }
  w.uintLE(0, 4);
  return w.result();
}
