/**
 * The frames our writers produce are read by the reference implementations, not only by our own reader:
 * Python's zlib, gzip and lzma modules, and Debian's `lz4` and `zstd` command-line tools. A tool that is
 * missing skips its test and says which package provides it.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compress, type CompressionAlgorithm } from "@/lib/codecs/compression";

const PYTHON = "/usr/bin/python3";
const hasCommand = (command: string) => spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;

/** Runs a reader over `packed` on stdin and returns what it wrote to stdout. */
function readWith(command: string, args: string[], packed: Uint8Array): Buffer {
  const result = spawnSync(command, args, { input: packed, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr?.toString().trim()}`);
  return result.stdout;
}

const python = (module: string) => [
  "-c",
  `import sys, ${module}; sys.stdout.buffer.write(${module}.decompress(sys.stdin.buffer.read()))`,
];

const READERS: { algorithm: CompressionAlgorithm; reader: string; available: boolean; read: (packed: Uint8Array) => Buffer }[] = [
  { algorithm: "zlib", reader: "python3 zlib", available: existsSync(PYTHON), read: (p) => readWith(PYTHON, python("zlib"), p) },
  { algorithm: "gzip", reader: "python3 gzip", available: existsSync(PYTHON), read: (p) => readWith(PYTHON, python("gzip"), p) },
  { algorithm: "xz", reader: "python3 lzma", available: existsSync(PYTHON), read: (p) => readWith(PYTHON, python("lzma"), p) },
  { algorithm: "lz4", reader: "lz4 (Debian package lz4)", available: hasCommand("lz4"), read: (p) => readWith("lz4", ["-d", "-c"], p) },
  { algorithm: "zstd", reader: "zstd (Debian package zstd)", available: hasCommand("zstd"), read: (p) => readWith("zstd", ["-d", "-c", "-q"], p) },
];

/** Empty, tiny, text-like, incompressible and larger-than-a-block inputs. */
function samples(): Uint8Array[] {
  let seed = 12345;
  const noise = new Uint8Array(300_000).map(() => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed >>> 24;
  });
  const text = new TextEncoder().encode('{"user": 42, "roles": ["reader", "editor"]} '.repeat(20_000));
  return [new Uint8Array(0), new Uint8Array([0x80]), text, noise, new Uint8Array(2_000_000).map((_, i) => (i * 7919) % 251)];
}

describe("compressed frames we write, read by the reference implementations", () => {
  for (const { algorithm, reader, available, read } of READERS) {
    it.skipIf(!available)(`${algorithm} is read back by ${reader}${available ? "" : " — skipped: not installed"}`, () => {
      for (const data of samples()) {
        const out = read(compress(algorithm, data));
        expect(out.length).toBe(data.length);
        expect(out.equals(Buffer.from(data))).toBe(true);
      }
    });
  }
});
