import { Gunzip, Unzlib, gzipSync, zlibSync } from "fflate";
import type { Budget } from "../budget";
import { CodecError } from "../codec-error";
import { lz4FrameDecode, lz4FrameStore } from "./lz4";
import { CappedOutput } from "./output";
import { xzDecode, xzStore } from "./xz";
import { zstdDecode, zstdStore } from "./zstd";

/** The wrappers django-redis (and pymemcache's flag 8) put around values. */
export type CompressionAlgorithm = "zlib" | "gzip" | "xz" | "lz4" | "zstd";

/** Decompressed values larger than this are refused; the UI reads big values in ranges anyway. */
export const MAX_DECOMPRESSED = 64 * 1024 * 1024;

export function sniffCompression(b: Uint8Array): CompressionAlgorithm | undefined {
  if (b.length < 2) return undefined;
  // zlib: CMF 0x78 and a header that is a multiple of 31 (python's zlib.compress levels give 01/5e/9c/da).
  if (b[0] === 0x78 && ((b[0] << 8) | b[1]) % 31 === 0) return "zlib";
  if (b[0] === 0x1f && b[1] === 0x8b) return "gzip";
  if (b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0x00) return "xz";
  if (b.length >= 4 && b[0] === 0x04 && b[1] === 0x22 && b[2] === 0x4d && b[3] === 0x18) return "lz4";
  if (b.length >= 4 && b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd) return "zstd";
  return undefined;
}

/** Input slice per push: deflate expands at most ~1032×, so one push overshoots a budget by about a MiB. */
const INFLATE_SLICE = 1024;

function inflate(algorithm: "zlib" | "gzip", data: Uint8Array, cap: number, budget: Budget | undefined): Uint8Array {
  const out = new CappedOutput(algorithm, cap, data.length * 4, budget);
  let done = false;
  const onData = (chunk: Uint8Array, final: boolean) => {
    out.push(chunk);
    if (final) done = true;
  };
  const stream = algorithm === "zlib" ? new Unzlib(onData) : new Gunzip(onData);
  try {
    // Small slices bound how much one push can inflate before the cap is checked.
    for (let at = 0; at < data.length; at += INFLATE_SLICE) stream.push(data.subarray(at, at + INFLATE_SLICE), at + INFLATE_SLICE >= data.length);
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError(algorithm, e instanceof Error ? e.message : "corrupt data");
  }
  if (!done) throw new CodecError(algorithm, "stream is truncated");
  return out.result();
}

/**
 * Decompresses one layer, refusing more than `cap` bytes of output; with a `budget`, output is also charged
 * to it and running out throws `TooLargeError` as soon as it happens, not after the whole layer.
 */
export function decompress(algorithm: CompressionAlgorithm, data: Uint8Array, cap = MAX_DECOMPRESSED, budget?: Budget): Uint8Array {
  switch (algorithm) {
    case "zlib":
    case "gzip":
      return inflate(algorithm, data, cap, budget);
    case "xz":
      return xzDecode(data, cap, budget);
    case "lz4":
      return lz4FrameDecode(data, cap, budget);
    case "zstd":
      return zstdDecode(data, cap, budget);
  }
}

/**
 * Compresses an edited value. zlib and gzip really compress (level 6, as Python's default); for xz, lz4 and
 * zstd there is no compressor in this bundle, so those write valid stored frames every reader accepts.
 */
export function compress(algorithm: CompressionAlgorithm, data: Uint8Array): Uint8Array {
  switch (algorithm) {
    case "zlib":
      return zlibSync(data, { level: 6 });
    case "gzip":
      return gzipSync(data, { level: 9, mtime: 0 });
    case "xz":
      return xzStore(data);
    case "lz4":
      return lz4FrameStore(data);
    case "zstd":
      return zstdStore(data);
  }
}
