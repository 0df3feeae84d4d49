import { Decompress } from "fzstd";
import { ByteWriter } from "../bytes";
import { CodecError } from "../codec-error";
import { CappedOutput } from "./output";

/** zstd via `fzstd` (pure JS), fed in small slices so the output cap is checked as it grows. */
export function zstdDecode(data: Uint8Array, cap: number): Uint8Array {
  const out = new CappedOutput("zstd", cap, data.length * 4);
  const d = new Decompress((chunk) => out.push(chunk));
  try {
    for (let at = 0; at < data.length; at += 256) d.push(data.subarray(at, at + 256), at + 256 >= data.length);
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
