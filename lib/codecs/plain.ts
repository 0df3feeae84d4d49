import type { PyStdlibValue } from "./python-stdlib";

/**
 * The editable form of a decoded value, shared by every structured format so one editor component can edit
 * pickle, JSON and msgpack alike. Ints are `bigint` and floats are `number`, because Python (and so JSON and
 * msgpack written by Python) keeps `1` and `1.0` apart and a round trip must too.
 */
export type PlainValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | PlainValue[]
  | PlainTuple
  | PlainSet
  | PlainDict
  | PlainBytearray
  | PlainFloat32
  | PlainExt
  | PlainTimestamp
  | PlainPyObject
  | PlainOpaque;

interface PlainTuple {
  readonly kind: "tuple";
  items: PlainValue[];
}

interface PlainSet {
  readonly kind: "set" | "frozenset";
  items: PlainValue[];
}

/** Entries, not an object: keys may be ints, tuples or bytes, and order and duplicates must survive. */
interface PlainDict {
  readonly kind: "dict";
  entries: [PlainValue, PlainValue][];
  /** A `collections.OrderedDict` (pickle only; JSON and msgpack write it as a plain map). */
  readonly ordered?: true;
}

interface PlainBytearray {
  readonly kind: "bytearray";
  bytes: Uint8Array;
}

/** msgpack float32: kept apart so writing it back uses four bytes again. */
interface PlainFloat32 {
  readonly kind: "float32";
  value: number;
}

interface PlainExt {
  readonly kind: "ext";
  type: number;
  data: Uint8Array;
}

/** msgpack timestamp extension (type -1). */
interface PlainTimestamp {
  readonly kind: "timestamp";
  seconds: bigint;
  nanoseconds: number;
}

/**
 * One of the few Python standard-library objects the editor can write (`datetime`, `Decimal`, `UUID`…): an
 * immutable value, spelled as its constructor call. See `python-stdlib.ts`.
 */
export type PlainPyObject = { readonly kind: "pyobject" } & PyStdlibValue;

/**
 * Something that can be shown but not edited (a pickled class instance, a datetime…). It carries the
 * original node so an edit elsewhere in the value writes it back unchanged.
 */
interface PlainOpaque {
  readonly kind: "opaque";
  readonly text: string;
  readonly node: unknown;
  /** Why typed text could not be read as a value (an unknown call, a month 13…), for the editor's message. */
  readonly reason?: string;
}

