/**
 * The msgpack tree, shared by the reader (`decode.ts`), the writer (`encode.ts`) and the conversion to and
 * from the editor's plain values (`plain.ts`).
 */
/**
 * msgpack with every type, including bin, ext and the timestamp extension (type -1). Python's msgpack
 * always picks the shortest header; other writers may not, so a node that was read with a longer header
 * than needed remembers its first byte (`head`) and is written back with it.
 */
export type MsgpackNode =
  | { readonly t: "nil" }
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "int"; readonly v: bigint; readonly head?: number }
  | { readonly t: "float"; readonly v: number; readonly single: boolean }
  | { readonly t: "str"; readonly v: string; readonly head?: number; readonly invalidUtf8?: Uint8Array }
  | { readonly t: "bin"; readonly v: Uint8Array; readonly head?: number }
  | { readonly t: "array"; readonly items: MsgpackNode[]; readonly head?: number }
  | { readonly t: "map"; readonly entries: [MsgpackNode, MsgpackNode][]; readonly head?: number }
  | { readonly t: "ext"; readonly type: number; readonly data: Uint8Array; readonly head?: number }
  | { readonly t: "timestamp"; readonly seconds: bigint; readonly nanoseconds: number; readonly size?: 4 | 8 | 12 };

export interface DecodedMsgpack {
  readonly format: "msgpack";
  readonly root: MsgpackNode;
}

/** Deepest nesting read or written. */
export const MAX_DEPTH = 400;
