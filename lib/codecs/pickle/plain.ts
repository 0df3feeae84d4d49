import { bytesEqual } from "../bytes";
import { CodecError } from "../codec-error";
import type { PlainValue } from "../plain";
import { pyObjectRepr } from "../python-stdlib";
import type { PickleNode } from "./nodes";
import { renderPickle } from "./render";
import { isOrderedDictNode, pickleToStdlib, StdlibNodes } from "./stdlib";

/**
 * Tree → editable value. Shared nodes stay shared and cycles stay cycles (containers are registered before
 * their children), so a recursive list becomes an array that contains itself.
 */
export function pickleToPlain(root: PickleNode): PlainValue {
  const done = new Map<PickleNode, PlainValue>();
  const walk = (node: PickleNode, depth: number): PlainValue => {
    if (depth > 1000) throw new CodecError("pickle", "value nested too deeply to edit");
    const known = done.get(node);
    if (known !== undefined) return known;
    switch (node.t) {
      case "none":
        return null;
      case "bool":
      case "int":
      case "float":
      case "str":
        return node.v;
      case "bytes":
        return node.v;
      case "bytearray": {
        const out: PlainValue = { kind: "bytearray", bytes: node.v };
        done.set(node, out);
        return out;
      }
      case "list": {
        const out: PlainValue[] = [];
        done.set(node, out);
        for (const item of node.items) out.push(walk(item, depth + 1));
        return out;
      }
      case "tuple":
      case "set":
      case "frozenset": {
        const out = { kind: node.t, items: [] as PlainValue[] };
        done.set(node, out);
        for (const item of node.items) out.items.push(walk(item, depth + 1));
        return out;
      }
      case "dict": {
        const out = { kind: "dict" as const, entries: [] as [PlainValue, PlainValue][] };
        done.set(node, out);
        for (const [k, v] of node.entries) out.entries.push([walk(k, depth + 1), walk(v, depth + 1)]);
        return out;
      }
      case "object": {
        // Immutable values: a new plain value per place, so an unedited one maps back to this same node.
        const std = pickleToStdlib(node);
        if (std) return { kind: "pyobject", ...std };
        if (isOrderedDictNode(node)) {
          const out = { kind: "dict" as const, entries: [] as [PlainValue, PlainValue][], ordered: true as const };
          done.set(node, out);
          for (const [k, v] of node.dictItems) out.entries.push([walk(k, depth + 1), walk(v, depth + 1)]);
          return out;
        }
        const out: PlainValue = { kind: "opaque", text: renderPickle(node, 2000), node };
        done.set(node, out);
        return out;
      }
      default: {
        const out: PlainValue = { kind: "opaque", text: renderPickle(node, 2000), node };
        done.set(node, out);
        return out;
      }
    }
  };
  return walk(root, 0);
}

/**
 * Editable value → tree. Where the edited value still equals the original at the same place, the original
 * node is reused, so untouched parts (and their memo references) are written back exactly as they were read.
 */
export function plainToPickle(value: PlainValue, original?: PickleNode, protocol = 4): PickleNode {
  const building = new Map<object, PickleNode>();
  let stdlib: StdlibNodes | undefined;
  const stdlibNodes = () => (stdlib ??= new StdlibNodes(protocol, original));
  /** Later references to the same plain object get the same node, so shared values stay memo references. */
  const settle = (v: object, node: PickleNode): PickleNode => {
    building.set(v, node);
    return node;
  };

  const build = (v: PlainValue, orig: PickleNode | undefined, depth: number): PickleNode => {
    if (depth > 1000) throw new CodecError("pickle", "value nested too deeply to encode");
    if (v === null) return orig?.t === "none" ? orig : { t: "none" };
    if (typeof v === "boolean") return orig?.t === "bool" && orig.v === v ? orig : { t: "bool", v };
    if (typeof v === "bigint") return orig?.t === "int" && orig.v === v ? orig : { t: "int", v };
    if (typeof v === "number") return orig?.t === "float" && Object.is(orig.v, v) ? orig : { t: "float", v };
    if (typeof v === "string") return orig?.t === "str" && orig.v === v && !orig.legacy ? orig : { t: "str", v };
    if (v instanceof Uint8Array) return orig?.t === "bytes" && bytesEqual(orig.v, v) ? orig : { t: "bytes", v };
    const inProgress = building.get(v);
    if (inProgress) return inProgress;
    if (Array.isArray(v)) {
      const node: PickleNode & { t: "list" } = { t: "list", items: [] };
      building.set(v, node);
      const origItems = orig?.t === "list" ? orig.items : [];
      v.forEach((item, i) => node.items.push(build(item, origItems[i], depth + 1)));
      return settle(v, orig?.t === "list" && sameChildren(node.items, orig.items) ? orig : node);
    }
    switch (v.kind) {
      case "tuple":
      case "set":
      case "frozenset": {
        const node = { t: v.kind, items: [] as PickleNode[] } as PickleNode & { t: "tuple" | "set" | "frozenset" };
        building.set(v, node);
        const origItems = orig?.t === v.kind ? orig.items : [];
        v.items.forEach((item, i) => (node.items as PickleNode[]).push(build(item, origItems[i], depth + 1)));
        return settle(v, orig?.t === v.kind && sameChildren(node.items, orig.items) ? orig : node);
      }
      case "dict": {
        if (v.ordered) {
          const node = stdlibNodes().orderedDict();
          building.set(v, node);
          const origEntries = orig && isOrderedDictNode(orig) ? orig.dictItems : [];
          v.entries.forEach(([k, val], i) => {
            const o = origEntries[i];
            node.dictItems.push([build(k, o?.[0], depth + 1), build(val, o?.[1], depth + 1)]);
          });
          return settle(v, orig && isOrderedDictNode(orig) && sameChildren(node.dictItems.flat(), orig.dictItems.flat()) ? orig : node);
        }
        const node: PickleNode & { t: "dict" } = { t: "dict", entries: [] };
        building.set(v, node);
        const origEntries = orig?.t === "dict" ? orig.entries : [];
        v.entries.forEach(([k, val], i) => {
          const o = origEntries[i];
          node.entries.push([build(k, o?.[0], depth + 1), build(val, o?.[1], depth + 1)]);
        });
        return settle(v, orig?.t === "dict" && sameChildren(node.entries.flat(), orig.entries.flat()) ? orig : node);
      }
      case "bytearray":
        return orig?.t === "bytearray" && bytesEqual(orig.v, v.bytes) ? orig : { t: "bytearray", v: v.bytes };
      case "opaque":
        return v.node as PickleNode;
      case "pyobject": {
        const known = orig && pickleToStdlib(orig);
        if (known && pyObjectRepr(known) === pyObjectRepr(v)) return orig!;
        return stdlibNodes().node(v);
      }
      case "float32":
        return { t: "float", v: v.value };
      case "ext":
      case "timestamp":
        throw new CodecError("pickle", `a msgpack ${v.kind} has no pickle form`);
    }
  };
  return build(value, original, 0);
}

function sameChildren(a: readonly PickleNode[], b: readonly PickleNode[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/**
 * True when the tree holds only the types the editor can write: no class instances or other calls beyond the
 * allow-listed stdlib objects.
 */
export function isPlainPickle(root: PickleNode): boolean {
  const seen = new Set<PickleNode>();
  const work = [root];
  while (work.length > 0) {
    const n = work.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    switch (n.t) {
      case "object":
        if (pickleToStdlib(n)) break;
        if (isOrderedDictNode(n)) {
          for (const [k, v] of n.dictItems) work.push(k, v);
          break;
        }
        return false;
      case "global":
      case "opaque":
        return false;
      case "str":
        if (n.legacy) return false;
        break;
      case "list":
      case "tuple":
      case "set":
      case "frozenset":
        work.push(...n.items);
        break;
      case "dict":
        for (const [k, v] of n.entries) work.push(k, v);
        break;
    }
  }
  return true;
}
