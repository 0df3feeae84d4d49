import { Decompress } from "fzstd";
import { ByteWriter } from "../bytes";
import type { Budget } from "../budget";
import { CodecError } from "../codec-error";
import { CappedOutput } from "./output";

/** Input slice per push: a 4-byte RLE block can claim 128 KiB, so one push overshoots a budget by at most 2 MiB. */
const SLICE = 64;
/** `fzstd` moves its whole window for every block; a step of budget per KiB moved keeps that in the count. */
const WINDOW_BYTES_PER_STEP = 1024;

/**
 * The window the first frame asks for. `fzstd` allocates it up front and moves all of it for every block,
 * so 9 bytes declaring a 2 GiB window would cost 2 GiB before a single output byte is charged.
 */
function declaredWindow(data: Uint8Array): number {
  if (data.length < 6) return 0;
  const flags = data[4];
  const singleSegment = (flags >> 5) & 1;
  if (!singleSegment) {
    const base = 2 ** (10 + (data[5] >> 3));
    return base + (base / 8) * (data[5] & 7);
  }
  const dictBytes = [0, 1, 2, 4][flags & 3];
  const sizeBytes = [1, 2, 4, 8][flags >> 6];
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + (data[5 + dictBytes + i] ?? 0);
  return sizeBytes === 2 ? size + 256 : size;
}

/** zstd via `fzstd` (pure JS), fed in small slices so the output cap is checked as it grows. */
export function zstdDecode(data: Uint8Array, cap: number, budget?: Budget): Uint8Array {
  const window = declaredWindow(data);
  if (window > cap) throw new CodecError("zstd", `frame declares a ${window}-byte window, more than ${cap}`);
  const windowSteps = Math.ceil(window / WINDOW_BYTES_PER_STEP);
  budget?.spendSteps("zstd", windowSteps);
  const out = new CappedOutput("zstd", cap, data.length * 4, budget);
  const d = new Decompress((chunk) => {
    budget?.spendSteps("zstd", windowSteps);
    out.push(chunk);
  });
  try {
    for (let at = 0; at < data.length; at += SLICE) d.push(data.subarray(at, at + SLICE), at + SLICE >= data.length);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError("zstd", e instanceof Error ? e.message : "corrupt data");
  }
  return out.result();
}

/** A valid zstd frame of raw blocks: readable everywhere, written without a compressor. */
export function zstdStore(data: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  w.bytes([0x28, 0xb5, 0x2f, 0xfd]);
  // Single segment, 8-byte content size, no checksum, no dictionary.
  w.byte(0xe0);
  w.uintLE(data.length, 8);
  const max = 128 * 1024;
  let at = 0;
  do {
    const block = data.subarray(at, at + max);
    at += block.length;
    const last = at >= data.length ? 1 : 0;
    w.uintLE((block.length << 3) | last, 3);
    w.bytes(block);
  } while (at < data.length);
  return w.result();
}
