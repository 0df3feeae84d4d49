import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CodecError } from "@/lib/codecs/codec-error";
import { compress, decompress, sniffCompression, type CompressionAlgorithm } from "@/lib/codecs/compression";
import { loadVectors } from "./vectors";

const vectors = loadVectors("compressed");
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("compression wrappers", () => {
  it.each(vectors.map((v) => [v.id, v] as const))("%s is recognised and decompressed", (_id, v) => {
    const algorithm = sniffCompression(v.bytes);
    expect(algorithm).toBe(v.algorithm);
    const inner = decompress(algorithm!, v.bytes);
    expect(inner.length).toBe(v.inner_length);
    expect(sha256(inner)).toBe(v.inner_sha256);
  });

  it.each(["zlib", "gzip", "xz", "lz4", "zstd"] as CompressionAlgorithm[])("%s output is read back by our own reader", (algorithm) => {
    for (const size of [0, 1, 1000, 200_000]) {
      const data = new Uint8Array(size).map((_, i) => (i * 7919) % 251);
      const packed = compress(algorithm, data);
      expect(sniffCompression(packed)).toBe(algorithm);
      expect(Buffer.from(decompress(algorithm, packed)).equals(Buffer.from(data))).toBe(true);
    }
  });

  it.each(["zlib", "gzip", "xz", "lz4", "zstd"] as CompressionAlgorithm[])("%s refuses output above the cap", (algorithm) => {
    const packed = compress(algorithm, new Uint8Array(100_000));
    expect(() => decompress(algorithm, packed, 10_000)).toThrow(CodecError);
  });

  it.each(vectors.map((v) => [v.id, v] as const))("%s truncated is a CodecError", (_id, v) => {
    const cut = v.bytes.subarray(0, Math.floor(v.bytes.length / 2));
    expect(() => decompress(v.algorithm as CompressionAlgorithm, cut)).toThrow(CodecError);
  });
});
