import { bytesEqual } from "../bytes";
import { CodecError } from "../codec-error";
import type { PlainValue } from "../plain";
import type { MsgpackNode } from "./nodes";

export function msgpackToPlain(node: MsgpackNode): PlainValue {
  switch (node.t) {
    case "nil":
      return null;
    case "bool":
    case "int":
    case "str":
      return node.v;
    case "float":
      return node.single ? { kind: "float32", value: node.v } : node.v;
    case "bin":
      return node.v;
    case "array":
      return node.items.map(msgpackToPlain);
    case "map":
      return { kind: "dict", entries: node.entries.map(([k, v]) => [msgpackToPlain(k), msgpackToPlain(v)]) };
    case "ext":
      return { kind: "ext", type: node.type, data: node.data };
    case "timestamp":
      return { kind: "timestamp", seconds: node.seconds, nanoseconds: node.nanoseconds };
  }
}

/** Keeps each original node's header width where the edit left the value alone. */
export function plainToMsgpack(v: PlainValue, orig?: MsgpackNode): MsgpackNode {
  if (v === null) return { t: "nil" };
  if (typeof v === "boolean") return { t: "bool", v };
  if (typeof v === "bigint") return orig?.t === "int" && orig.v === v ? orig : { t: "int", v };
  if (typeof v === "number") return { t: "float", v, single: false };
  if (typeof v === "string") return orig?.t === "str" && orig.v === v ? orig : { t: "str", v };
  if (v instanceof Uint8Array) return orig?.t === "bin" && bytesEqual(orig.v, v) ? orig : { t: "bin", v };
  if (Array.isArray(v)) {
    const items = orig?.t === "array" ? orig.items : [];
    return { t: "array", items: v.map((x, i) => plainToMsgpack(x, items[i])), head: orig?.t === "array" ? orig.head : undefined };
  }
  switch (v.kind) {
    case "dict": {
      const entries = orig?.t === "map" ? orig.entries : [];
      return {
        t: "map",
        entries: v.entries.map(([k, x], i) => [plainToMsgpack(k, entries[i]?.[0]), plainToMsgpack(x, entries[i]?.[1])]),
        head: orig?.t === "map" ? orig.head : undefined,
      };
    }
    case "tuple":
      return plainToMsgpack(v.items, orig);
    case "float32":
      return { t: "float", v: v.value, single: true };
    case "ext":
      return { t: "ext", type: v.type, data: v.data, head: orig?.t === "ext" ? orig.head : undefined };
    case "timestamp":
      return { t: "timestamp", seconds: v.seconds, nanoseconds: v.nanoseconds, size: orig?.t === "timestamp" ? orig.size : undefined };
    default:
      throw new CodecError("msgpack", `msgpack cannot hold a ${v.kind === "pyobject" ? `Python ${v.type}` : v.kind}`);
  }
}
