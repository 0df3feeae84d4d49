/**
 * Decompression and decoding bombs, made by the real tools (Python's zlib/gzip/lzma, the lz4 and zstd
 * command lines) so they are exactly what an attacker would plant in a cache.
 */
import { execFileSync } from "node:child_process";
import { debianPython, requireBinary } from "./process";

const ZEROS = 64 * 1024 * 1024;

function python(script: string): Buffer {
  return execFileSync(debianPython(), ["-c", script], { maxBuffer: 16 * 1024 * 1024 });
}

/** zlib(zlib(zlib(63 MiB of zeros))): about 214 bytes. */
export function nestedZlibBomb(): Buffer {
  return python("import sys, zlib\nb = bytes(63 * 1024 * 1024)\nfor _ in range(3): b = zlib.compress(b, 9)\nsys.stdout.buffer.write(b)");
}

export function gzipBomb(): Buffer {
  return python(`import gzip, sys\nsys.stdout.buffer.write(gzip.compress(bytes(${ZEROS}), 9, mtime=0))`);
}

export function xzBomb(): Buffer {
  return python(`import lzma, sys\nsys.stdout.buffer.write(lzma.compress(bytes(${ZEROS}), preset=0))`);
}

export function lz4Bomb(): Buffer {
  return execFileSync(requireBinary("lz4", "lz4"), ["-9", "-c"], { input: Buffer.alloc(ZEROS), maxBuffer: 16 * 1024 * 1024 });
}

export function zstdBomb(): Buffer {
  return execFileSync(requireBinary("zstd", "zstd"), ["-19", "-c"], { input: Buffer.alloc(ZEROS), maxBuffer: 16 * 1024 * 1024 });
}

/**
 * A pickle of 9 nested lists, each holding the previous one 10 times by memo reference: a few hundred
 * bytes, 10^9 leaves if anything expands the references.
 */
export function memoBombPickle(levels = 9, fanout = 10): Buffer {
  const parts = [Buffer.from([0x80, 0x04, 0x5d, 0x94, 0x4b, 0x01, 0x61])];
  for (let i = 0; i < levels; i++) {
    parts.push(Buffer.from([0x30, 0x5d, 0x94, 0x28]));
    for (let k = 0; k < fanout; k++) parts.push(Buffer.from([0x68, i]));
    parts.push(Buffer.from([0x65]));
  }
  parts.push(Buffer.from([0x2e]));
  return Buffer.concat(parts);
}
