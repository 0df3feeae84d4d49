import { ByteWriter } from "../bytes";
import type { Budget } from "../budget";
import { CodecError } from "../codec-error";
import { crc32 } from "./crc32";
import { CappedOutput } from "./output";

/**
 * The .xz container with LZMA2 (what Python's `lzma.compress` and django-redis' LzmaCompressor write),
 * decoded in plain TypeScript since neither Node 20 nor the browser has an xz decoder. The LZMA part follows
 * the reference decoder in the LZMA SDK (`LzmaSpec.cpp`).
 */

const CHECK_SIZES = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];

class RangeDecoder {
  private range = 0;
  private code = 0;
  pos: number;

  constructor(
    private readonly data: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
    if (this.next() !== 0) throw new CodecError("xz", "bad range coder start", start);
    this.range = 0xffffffff;
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
  }

  private next(): number {
    if (this.pos >= this.end) throw new CodecError("xz", "compressed chunk ended early", this.pos);
    return this.data[this.pos++];
  }

  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i];
    const bound = (this.range >>> 11) * p;
    let bit: number;
    if (this.code < bound) {
      probs[i] = p + ((2048 - p) >>> 5);
      this.range = bound;
      bit = 0;
    } else {
      probs[i] = p - (p >>> 5);
      this.code -= bound;
      this.range -= bound;
      bit = 1;
    }
    this.normalize();
    return bit;
  }

  direct(count: number): number {
    let res = 0;
    for (let n = 0; n < count; n++) {
      this.range >>>= 1;
      const bit = this.code >= this.range ? 1 : 0;
      if (bit) this.code -= this.range;
      this.normalize();
      res = ((res << 1) | bit) >>> 0;
    }
    return res;
  }

  tree(probs: Uint16Array, offset: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(probs, offset + m);
    return m - (1 << bits);
  }

  reverse(probs: Uint16Array, offset: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(probs, offset + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }
}

class LenDecoder {
  readonly probs = new Uint16Array(2 + 16 * 8 + 16 * 8 + 256);
  reset(): void {
    this.probs.fill(1024);
  }
  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.probs, 0) === 0) return rc.tree(this.probs, 2 + posState * 8, 3);
    if (rc.bit(this.probs, 1) === 0) return 8 + rc.tree(this.probs, 2 + 128 + posState * 8, 3);
    return 16 + rc.tree(this.probs, 2 + 256, 8);
  }
}

class Lzma {
  lc = 0;
  lp = 0;
  pb = 0;
  private literal = new Uint16Array(0x300);
  private readonly posSlot = new Uint16Array(4 * 64);
  private readonly posDecoders = new Uint16Array(115);
  private readonly align = new Uint16Array(16);
  private readonly isMatch = new Uint16Array(192);
  private readonly isRep = new Uint16Array(12);
  private readonly isRepG0 = new Uint16Array(12);
  private readonly isRepG1 = new Uint16Array(12);
  private readonly isRepG2 = new Uint16Array(12);
  private readonly isRep0Long = new Uint16Array(192);
  private readonly len = new LenDecoder();
  private readonly repLen = new LenDecoder();
  private state = 0;
  private reps = [0, 0, 0, 0];

  setProps(props: number, at: number): void {
    if (props > 224) throw new CodecError("xz", "bad LZMA properties", at);
    this.lc = props % 9;
    this.lp = Math.floor(props / 9) % 5;
    this.pb = Math.floor(props / 45);
    if (this.lc + this.lp > 4) throw new CodecError("xz", "bad LZMA2 properties", at);
    this.literal = new Uint16Array(0x300 << (this.lc + this.lp));
  }

  resetState(): void {
    for (const p of [this.literal, this.posSlot, this.posDecoders, this.align, this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long]) {
      p.fill(1024);
    }
    this.len.reset();
    this.repLen.reset();
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  private distance(rc: RangeDecoder, len: number): number {
    const lenState = Math.min(len, 3);
    const slot = rc.tree(this.posSlot, lenState * 64, 6);
    if (slot < 4) return slot;
    const direct = (slot >>> 1) - 1;
    let dist = ((2 | (slot & 1)) << direct) >>> 0;
    if (slot < 14) return dist + rc.reverse(this.posDecoders, dist - slot, direct);
    dist += rc.direct(direct - 4) << 4;
    return (dist >>> 0) + rc.reverse(this.align, 0, 4);
  }

  /** Decodes exactly `size` bytes of one LZMA2 chunk into `out`; `dictStart` bounds match distances. */
  chunk(rc: RangeDecoder, out: CappedOutput, size: number, dictStart: number): void {
    out.ensure(size);
    const end = out.length + size;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    let state = this.state;
    const reps = this.reps;
    let pos = out.length;
    const buf = out.buf;
    while (pos < end) {
      const posState = pos & pbMask;
      if (rc.bit(this.isMatch, (state << 4) + posState) === 0) {
        const prev = pos > dictStart ? buf[pos - 1] : 0;
        const base = 0x300 * (((pos & lpMask) << this.lc) + (prev >>> (8 - this.lc)));
        let sym = 1;
        if (state >= 7 && pos - dictStart > reps[0]) {
          let match = buf[pos - reps[0] - 1];
          while (sym < 0x100) {
            const matchBit = (match >>> 7) & 1;
            match <<= 1;
            const b = rc.bit(this.literal, base + ((1 + matchBit) << 8) + sym);
            sym = (sym << 1) | b;
            if (matchBit !== b) break;
          }
        }
        while (sym < 0x100) sym = (sym << 1) | rc.bit(this.literal, base + sym);
        buf[pos++] = sym - 0x100;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (rc.bit(this.isRep, state) !== 0) {
        if (pos === dictStart) throw new CodecError("xz", "repeat match before any data", rc.pos);
        if (rc.bit(this.isRepG0, state) === 0) {
          if (rc.bit(this.isRep0Long, (state << 4) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            buf[pos] = buf[pos - reps[0] - 1];
            pos++;
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(this.isRepG1, state) === 0) dist = reps[1];
          else {
            if (rc.bit(this.isRepG2, state) === 0) dist = reps[2];
            else {
              dist = reps[3];
              reps[3] = reps[2];
            }
            reps[2] = reps[1];
          }
          reps[1] = reps[0];
          reps[0] = dist;
        }
        len = this.repLen.decode(rc, posState);
        state = state < 7 ? 8 : 11;
      } else {
        reps[3] = reps[2];
        reps[2] = reps[1];
        reps[1] = reps[0];
        len = this.len.decode(rc, posState);
        state = state < 7 ? 7 : 10;
        reps[0] = this.distance(rc, len);
        if (reps[0] === 0xffffffff) throw new CodecError("xz", "end marker inside an LZMA2 chunk", rc.pos);
      }
      len += 2;
      if (reps[0] >= pos - dictStart) throw new CodecError("xz", "match distance out of range", rc.pos);
      if (pos + len > end) throw new CodecError("xz", "match runs past the chunk", rc.pos);
      let from = pos - reps[0] - 1;
      for (let k = 0; k < len; k++) buf[pos++] = buf[from++];
    }
    out.length = pos;
    this.state = state;
  }
}

function lzma2(data: Uint8Array, start: number, out: CappedOutput): number {
  const lzma = new Lzma();
  let pos = start;
  let dictStart = out.length;
  let haveProps = false;
  const need = (n: number) => {
    if (pos + n > data.length) throw new CodecError("xz", "unexpected end of data", pos);
  };
  for (;;) {
    need(1);
    const at = pos;
    const control = data[pos++];
    if (control === 0) return pos;
    if (control === 1 || control === 2) {
      need(2);
      const size = ((data[pos] << 8) | data[pos + 1]) + 1;
      pos += 2;
      need(size);
      if (control === 1) dictStart = out.length;
      out.push(data.subarray(pos, pos + size));
      pos += size;
      continue;
    }
    if (control < 0x80) throw new CodecError("xz", "bad LZMA2 control byte", at);
    need(4);
    const size = ((control & 0x1f) << 16) + (data[pos] << 8) + data[pos + 1] + 1;
    const packed = (data[pos + 2] << 8) + data[pos + 3] + 1;
    pos += 4;
    const reset = (control >>> 5) & 3;
    if (reset === 3) dictStart = out.length;
    if (reset >= 2) {
      need(1);
      lzma.setProps(data[pos++], pos - 1);
      haveProps = true;
    }
    if (!haveProps) throw new CodecError("xz", "LZMA2 chunk without properties", at);
    if (reset >= 1) lzma.resetState();
    need(packed);
    const rc = new RangeDecoder(data, pos, pos + packed);
    lzma.chunk(rc, out, size, dictStart);
    pos += packed;
  }
}

function varint(data: Uint8Array, pos: number): [number, number] {
  let v = 0;
  let shift = 1;
  for (let i = 0; i < 9; i++) {
    if (pos >= data.length) throw new CodecError("xz", "unexpected end of data", pos);
    const b = data[pos++];
    v += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) return [v, pos];
    shift *= 128;
  }
  throw new CodecError("xz", "integer too long", pos);
}

export function xzDecode(data: Uint8Array, cap: number, budget?: Budget): Uint8Array {
  const magic = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
  if (data.length < 12 || magic.some((b, i) => data[i] !== b)) throw new CodecError("xz", "not an xz stream", 0);
  const checkType = data[7] & 0x0f;
  const checkSize = CHECK_SIZES[checkType];
  const out = new CappedOutput("xz", cap, data.length * 4, budget);
  let pos = 12;
  for (;;) {
    if (pos >= data.length) throw new CodecError("xz", "unexpected end of data", pos);
    if (data[pos] === 0) break;
    const blockStart = pos;
    const headerSize = (data[pos] + 1) * 4;
    if (pos + headerSize > data.length) throw new CodecError("xz", "block header runs past the end", pos);
    const flags = data[pos + 1];
    let p = pos + 2;
    if (flags & 0x40) [, p] = varint(data, p);
    if (flags & 0x80) [, p] = varint(data, p);
    if ((flags & 0x03) !== 0) throw new CodecError("xz", "only a single LZMA2 filter is supported", pos);
    const [filter] = varint(data, p);
    if (filter !== 0x21) throw new CodecError("xz", `unsupported filter 0x${filter.toString(16)}`, p);
    const blockOut = out.length;
    pos = lzma2(data, blockStart + headerSize, out);
    while ((pos - blockStart) % 4 !== 0) pos++;
    if (checkType === 1) {
      if (pos + 4 > data.length) throw new CodecError("xz", "unexpected end of data", pos);
      const want = (data[pos] | (data[pos + 1] << 8) | (data[pos + 2] << 16) | (data[pos + 3] << 24)) >>> 0;
      if (crc32(out.buf.subarray(blockOut, out.length)) !== want) throw new CodecError("xz", "CRC32 mismatch", pos);
    }
    pos += checkSize;
  }
  return out.result();
}

function writeVarint(w: ByteWriter, n: number): void {
  let v = n;
  while (v >= 0x80) {
    w.byte((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  w.byte(v);
}

/**
 * A valid .xz stream whose LZMA2 data is stored uncompressed chunks (CRC32 check): readable by every xz
 * reader, written without an LZMA encoder.
 */
export function xzStore(data: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  const flags = new Uint8Array([0x00, 0x01]);
  w.bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
  w.bytes(flags);
  w.uintLE(crc32(flags), 4);
  const header = new Uint8Array([0x02, 0x00, 0x21, 0x01, 0x00, 0, 0, 0]);
  w.bytes(header);
  w.uintLE(crc32(header), 4);
  const blockStart = w.length - 12;
  for (let at = 0; at < data.length; at += 65536) {
    const chunk = data.subarray(at, at + 65536);
    w.byte(at === 0 ? 0x01 : 0x02);
    w.uintBE(chunk.length - 1, 2);
    w.bytes(chunk);
  }
  w.byte(0x00);
  const unpadded = w.length - blockStart + 4;
  while ((w.length - blockStart) % 4 !== 0) w.byte(0);
  w.uintLE(crc32(data), 4);
  const index = new ByteWriter();
  index.byte(0x00);
  writeVarint(index, 1);
  writeVarint(index, unpadded);
  writeVarint(index, data.length);
  while (index.length % 4 !== 0) index.byte(0);
  const indexBytes = index.result();
  w.bytes(indexBytes);
  w.uintLE(crc32(indexBytes), 4);
  const footer = new ByteWriter();
  footer.uintLE((indexBytes.length + 4) / 4 - 1, 4);
  footer.bytes(flags);
  const footerBytes = footer.result();
  w.uintLE(crc32(footerBytes), 4);
  w.bytes(footerBytes);
  w.bytes([0x59, 0x5a]);
  return w.result();
}
