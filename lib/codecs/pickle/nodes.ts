/**
 * The pickle tree. Nodes are objects, never bare JS primitives, because pickle's memo is about identity: a
 * string or list written once and referenced again (`BINGET`) must come back as the same node so the encoder
 * can write the same reference again, and a recursive list must be able to contain itself.
 */
export type PickleNode =
  | { readonly t: "none" }
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "int"; readonly v: bigint }
  | { readonly t: "float"; readonly v: number }
  | PickleStr
  | PickleBytes
  | { readonly t: "list"; readonly items: PickleNode[] }
  | { readonly t: "tuple"; readonly items: readonly PickleNode[] }
  | { readonly t: "dict"; readonly entries: [PickleNode, PickleNode][] }
  | PickleSet
  | PickleGlobal
  | PickleObject
  | PickleOpaque;

export interface PickleStr {
  readonly t: "str";
  readonly v: string;
  /** Set for Python 2 `STRING`/`BINSTRING` data, which Python 3 picklers never write back. */
  readonly legacy?: true;
}

/** `bytes` or `bytearray`. Protocols < 3 (bytes) and < 5 (bytearray) can only say these through a REDUCE call. */
export interface PickleBytes {
  readonly t: "bytes" | "bytearray";
  readonly v: Uint8Array;
  /** The REDUCE call that produced it, kept so re-encoding reproduces the original memo references. */
  readonly origin?: PickleCall;
}

/** Protocols < 4 write sets as `set([...])` REDUCE calls; `origin` keeps that call, as for bytes. */
interface PickleSet {
  readonly t: "set" | "frozenset";
  readonly items: PickleNode[];
  readonly origin?: PickleCall;
}

export interface PickleCall {
  readonly func: PickleNode;
  readonly args: PickleNode;
}

/** A reference to a class or function by name: never imported, only shown. */
export interface PickleGlobal {
  readonly t: "global";
  readonly module: string;
  readonly name: string;
  /** Protocol 4+ writes the names as memoized strings (`STACK_GLOBAL`); these are those string nodes. */
  readonly moduleNode?: PickleStr;
  readonly nameNode?: PickleStr;
  /**
   * Made by Cacheboard for an edited value rather than read: it stands for the class itself, so the pickler
   * writes it as a reference to the same class written earlier, as CPython's memo does for one class object.
   */
  readonly fresh?: true;
}

/**
 * An object the unpickler would have built by calling something (`REDUCE`, `NEWOBJ`, `NEWOBJ_EX`, `INST`,
 * `OBJ`). Nothing is called here: the node records the call and what was later added to the object
 * (`APPENDS`, `SETITEMS`, `BUILD`), which is enough to show it and to write it back.
 */
export interface PickleObject {
  readonly t: "object";
  readonly how: "reduce" | "newobj" | "newobj_ex" | "inst" | "obj";
  readonly callable: PickleNode;
  readonly args: PickleNode;
  readonly kwargs?: PickleNode;
  readonly listItems: PickleNode[];
  readonly dictItems: [PickleNode, PickleNode][];
  /** Every `BUILD` state applied, in order (normally at most one). */
  readonly states: PickleNode[];
}

/** Things that only make sense inside the writing process: persistent ids, extension codes, buffers. */
interface PickleOpaque {
  readonly t: "opaque";
  readonly what: "persid" | "ext" | "buffer";
  readonly detail: string;
  readonly id?: PickleNode;
}

/** The protocol the data declared (`PROTO`), or 0/1 guessed from the opcodes when there is no header. */
export interface DecodedPickle {
  readonly format: "pickle";
  readonly protocol: number;
  readonly root: PickleNode;
}
