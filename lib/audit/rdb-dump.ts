/**
 * Reads the value inside a Redis DUMP payload, for showing audit before/after states. Covers what Redis 7
 * writes for strings (raw, integer, LZF), hashes, lists, sets and sorted sets in their listpack, intset and
 * hashtable encodings; anything else (streams, modules, older ziplist encodings) is reported as not shown.
 * The payload is trusted only as far as its own lengths go: every read is bounds-checked.
 */

type DumpValue =
  | { type: "string"; value: Buffer }
  | { type: "hash"; entries: { field: Buffer; value: Buffer }[] }
  | { type: "list"; items: Buffer[] }
  | { type: "set"; members: Buffer[] }
  | { type: "zset"; members: { member: Buffer; score: number }[] };

class Reader {
  offset = 0;
  constructor(readonly bytes: Buffer) {}
  take(n: number): Buffer {
    if (n < 0 || this.offset + n > this.bytes.length) throw new RangeError("truncated dump");
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  byte(): number {
    return this.take(1)[0];
  }
  /** RDB length; `special` is set for the integer and LZF string encodings. */
  length(): { value: number; special: boolean } {
    const first = this.byte();
    switch (first >> 6) {
      case 0:
        return { value: first & 0x3f, special: false };
      case 1:
        return { value: ((first & 0x3f) << 8) | this.byte(), special: false };
      case 2:
        if (first === 0x80) return { value: this.take(4).readUInt32BE(0), special: false };
        if (first === 0x81) return { value: Number(this.take(8).readBigUInt64BE(0)), special: false };
        throw new RangeError("bad length");
      default:
        return { value: first & 0x3f, special: true };
    }
  }
  count(): number {
    const { value, special } = this.length();
    if (special) throw new RangeError("bad count");
    return value;
  }
  string(): Buffer {
    const { value, special } = this.length();
    if (!special) return this.take(value);
    switch (value) {
      case 0:
        return Buffer.from(String(this.take(1).readInt8(0)));
      case 1:
        return Buffer.from(String(this.take(2).readInt16LE(0)));
      case 2:
        return Buffer.from(String(this.take(4).readInt32LE(0)));
      case 3: {
        const compressed = this.count();
        const length = this.count();
        return lzfDecompress(this.take(compressed), length);
      }
      default:
        throw new RangeError("bad string encoding");
    }
  }
}

function lzfDecompress(input: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  let i = 0;
  let o = 0;
  while (i < input.length) {
    const ctrl = input[i++];
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (o + n > length || i + n > input.length) throw new RangeError("bad LZF literal");
      input.copy(out, o, i, i + n);
      i += n;
      o += n;
    } else {
      let n = ctrl >> 5;
      if (n === 7) n += input[i++];
      n += 2;
      const back = o - ((ctrl & 0x1f) << 8) - input[i++] - 1;
      if (back < 0 || o + n > length) throw new RangeError("bad LZF reference");
      for (let k = 0; k < n; k++) out[o++] = out[back + k];
    }
  }
  if (o !== length) throw new RangeError("short LZF output");
  return out;
}

function listpack(blob: Buffer): Buffer[] {
  const r = new Reader(blob);
  r.take(6);
  const items: Buffer[] = [];
  for (;;) {
    const start = r.offset;
    const b = r.byte();
    if (b === 0xff) return items;
    let item: Buffer;
    if ((b & 0x80) === 0) item = Buffer.from(String(b & 0x7f));
    else if ((b & 0xc0) === 0x80) item = r.take(b & 0x3f);
    else if ((b & 0xe0) === 0xc0) {
      const raw = ((b & 0x1f) << 8) | r.byte();
      item = Buffer.from(String(raw >= 4096 ? raw - 8192 : raw));
    } else if ((b & 0xf0) === 0xe0) item = r.take(((b & 0x0f) << 8) | r.byte());
    else if (b === 0xf0) item = r.take(r.take(4).readUInt32LE(0));
    else if (b === 0xf1) item = Buffer.from(String(r.take(2).readInt16LE(0)));
    else if (b === 0xf2) item = Buffer.from(String(r.take(3).readIntLE(0, 3)));
    else if (b === 0xf3) item = Buffer.from(String(r.take(4).readInt32LE(0)));
    else if (b === 0xf4) item = Buffer.from(String(r.take(8).readBigInt64LE(0)));
    else throw new RangeError("bad listpack entry");
    const size = r.offset - start;
    r.take(size < 128 ? 1 : size < 16384 ? 2 : size < 2097152 ? 3 : size < 268435456 ? 4 : 5);
    items.push(item);
  }
}

function intset(blob: Buffer): Buffer[] {
  const width = blob.readUInt32LE(0);
  const count = blob.readUInt32LE(4);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    const n = width === 2 ? blob.readInt16LE(at) : width === 4 ? blob.readInt32LE(at) : blob.readBigInt64LE(at);
    out.push(Buffer.from(String(n)));
  }
  return out;
}

function pairs(items: Buffer[]): [Buffer, Buffer][] {
  const out: [Buffer, Buffer][] = [];
  for (let i = 0; i + 1 < items.length; i += 2) out.push([items[i], items[i + 1]]);
  return out;
}

/** The value of a DUMP payload, or null when its encoding is not one this reader knows. */
export function readDump(payload: Buffer): DumpValue | null {
  try {
    const r = new Reader(payload);
    const type = r.byte();
    switch (type) {
      case 0:
        return { type: "string", value: r.string() };
      case 2: {
        const n = r.count();
        return { type: "set", members: Array.from({ length: n }, () => r.string()) };
      }
      case 4: {
        const n = r.count();
        return { type: "hash", entries: Array.from({ length: n }, () => ({ field: r.string(), value: r.string() })) };
      }
      case 5: {
        const n = r.count();
        return { type: "zset", members: Array.from({ length: n }, () => ({ member: r.string(), score: r.take(8).readDoubleLE(0) })) };
      }
      case 11:
        return { type: "set", members: intset(r.string()) };
      case 16:
        return { type: "hash", entries: pairs(listpack(r.string())).map(([field, value]) => ({ field, value })) };
      case 17:
        return { type: "zset", members: pairs(listpack(r.string())).map(([member, score]) => ({ member, score: Number(score.toString()) })) };
      case 18: {
        const nodes = r.count();
        const items: Buffer[] = [];
        for (let i = 0; i < nodes; i++) {
          const container = r.count();
          const blob = r.string();
          if (container === 1) items.push(blob);
          else items.push(...listpack(blob));
        }
        return { type: "list", items };
      }
      case 20:
        return { type: "set", members: listpack(r.string()) };
      default:
        return null;
    }
  } catch {
    return null;
  }
}
