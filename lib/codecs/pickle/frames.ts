import { ByteWriter } from "../bytes";
import type { PickleNode } from "./nodes";

/**
 * The pickler's output stream, as `_pickle.c` lays it out: the PROTO header, protocol 4+ frames (closed once
 * they pass 64 KiB, before the next object; payloads of 64 KiB or more written outside any frame), STOP,
 * and the memo with its PUT/GET spellings per protocol. `Pickler` (`encode.ts`) writes every object through it.
 */

const FRAME_TARGET = 64 * 1024;
const FRAME_MIN = 4;
const FRAME_HEADER = 9;

/** `n` as `width` little-endian bytes. */
export function sizeLE(n: number, width: number): number[] {
  const out: number[] = [];
  let v = n;
  for (let i = 0; i < width; i++) {
    out.push(v % 256);
    v = Math.floor(v / 256);
  }
  return out;
}

export class PickleOutput {
  private readonly out = new ByteWriter();
  private framing = false;
  private frameStart = -1;
  /** Memo index of each node written so far: a node met again is a GET. */
  protected readonly memo = new Map<PickleNode, number>();

  constructor(protected readonly proto: number) {}

  protected begin(): void {
    if (this.proto >= 2) {
      this.write([0x80, this.proto]);
      if (this.proto >= 4) this.framing = true;
    }
  }

  protected finish(): Uint8Array {
    this.write([0x2e]);
    this.commitFrame();
    return this.out.result();
  }

  /** Before each object: a frame that reached its target size is closed, as `save` does in CPython. */
  protected frameBoundary(): void {
    if (this.framing && this.frameStart !== -1 && this.out.length - this.frameStart - FRAME_HEADER >= FRAME_TARGET) {
      this.commitFrame();
    }
  }

  protected write(data: Uint8Array | readonly number[]): void {
    if (this.framing && this.frameStart === -1) {
      this.frameStart = this.out.length;
      this.out.bytes(new Uint8Array(FRAME_HEADER));
    }
    this.out.bytes(data);
  }

  protected writeAscii(text: string): void {
    const b = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
    this.write(b);
  }

  /** Payloads of 64 KiB or more go outside any frame, after closing the current one. */
  protected writeBytes(header: number[], payload: Uint8Array): void {
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

  protected memoPut(node: PickleNode): void {
    const idx = this.memo.size;
    this.memo.set(node, idx);
    if (this.proto >= 4) this.write([0x94]);
    else if (this.proto >= 1) this.write(idx < 256 ? [0x71, idx] : [0x72, ...sizeLE(idx, 4)]);
    else this.writeAscii(`p${idx}\n`);
  }

  protected memoGet(idx: number): void {
    if (this.proto >= 1) this.write(idx < 256 ? [0x68, idx] : [0x6a, ...sizeLE(idx, 4)]);
    else this.writeAscii(`g${idx}\n`);
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
}
