import type { CompressionAlgorithm } from "./compression";
import type { DecodedJson } from "./json";
import type { DecodedMsgpack } from "./msgpack/nodes";
import type { DecodedPickle } from "./pickle/nodes";
import type { DecodedRepr } from "./python-repr";
import type { DecodedCounter, DecodedInt64, DecodedText } from "./scalars";

export type ValueFormat =
  | "pickle"
  | "json"
  | "msgpack"
  | "repr"
  | "counter"
  | "int64"
  | "text"
  | "compressed"
  | "base64"
  | "binary";

/** A compressed value keeps its original bytes so an untouched inner value is written back unchanged. */
interface DecodedCompressed {
  readonly format: "compressed";
  readonly algorithm: CompressionAlgorithm;
  readonly original: Uint8Array;
  readonly inner: Uint8Array;
  readonly value: DecodedValue;
}

interface DecodedBase64 {
  readonly format: "base64";
  readonly urlSafe: boolean;
  readonly padded: boolean;
  readonly inner: Uint8Array;
  readonly value: DecodedValue;
}

/** Anything else: shown as a hex dump, edited as hex. */
interface DecodedBinary {
  readonly format: "binary";
  readonly bytes: Uint8Array;
}

export type DecodedValue =
  | DecodedPickle
  | DecodedJson
  | DecodedMsgpack
  | DecodedRepr
  | DecodedCounter
  | DecodedInt64
  | DecodedText
  | DecodedCompressed
  | DecodedBase64
  | DecodedBinary;

/** What the caller knows about where the bytes came from, beyond the bytes themselves. */
export interface DetectHints {
  /** memcached item flags; pymemcache (Django's backend) sets 1 pickle, 2 int, 4 long, 8 zlib, 16 text. */
  readonly memcachedFlags?: number;
  /** uWSGI item flags; counters made by `cache_inc` & co. carry the math flag 0x10. */
  readonly uwsgiFlags?: number;
  /** The value lives in a uWSGI cache, where an 8-byte value is most likely an int64 counter. */
  readonly uwsgi?: boolean;
  /** Only a prefix was read (large values are read in ranges): rank by headers, do not expect a full parse. */
  readonly truncated?: boolean;
}

export interface Candidate {
  readonly format: ValueFormat;
  /** 0..1; only the order matters to the UI, the number is shown as a hint. */
  readonly confidence: number;
  readonly reason: string;
}
