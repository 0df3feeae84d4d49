import type { Budget } from "../budget";
import { CodecError } from "../codec-error";

/**
 * Decompressed output with a hard size cap: a few kilobytes of zstd or xz can claim gigabytes, and a cache
 * browser must not be the thing that falls over on a bomb. Growth is also charged to the inspection's
 * budget, which nested layers share, so zlib inside zlib cannot multiply the cap.
 */
export class CappedOutput {
  buf: Uint8Array;
  length = 0;

  constructor(
    private readonly format: string,
    private readonly cap: number,
    initial = 1024,
    private readonly budget?: Budget,
  ) {
    this.buf = new Uint8Array(Math.min(initial, cap) || 16);
  }

  ensure(extra: number): void {
    const need = this.length + extra;
    if (need > this.cap) throw new CodecError(this.format, `decompressed size exceeds ${this.cap} bytes`);
    this.budget?.spendBytes(this.format, extra);
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(Math.min(size, this.cap));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  push(chunk: Uint8Array): void {
    this.ensure(chunk.length);
    this.buf.set(chunk, this.length);
    this.length += chunk.length;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
