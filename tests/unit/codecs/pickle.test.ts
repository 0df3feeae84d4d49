import { describe, expect, it } from "vitest";
import { childrenOf, decodePickle } from "@/lib/codecs/pickle/decode";
import { encodePickle } from "@/lib/codecs/pickle/encode";
import type { PickleNode } from "@/lib/codecs/pickle/nodes";
import { isPlainPickle, pickleToPlain, plainToPickle } from "@/lib/codecs/pickle/plain";
import { renderPickle } from "@/lib/codecs/pickle/render";
import { CodecError } from "@/lib/codecs/codec-error";
import { type Desc, floatHex, loadVectors } from "./vectors";

/** The same tagged description the Python generator writes, computed from our tree. */
function describe_(node: PickleNode, path: Set<PickleNode> = new Set()): Desc {
  if (path.has(node)) return ["recursive"];
  const inner = new Set(path).add(node);
  const d = (n: PickleNode) => describe_(n, inner);
  switch (node.t) {
    case "none":
      return ["none"];
    case "bool":
      return ["bool", node.v];
    case "int":
      return ["int", node.v.toString()];
    case "float":
      return ["float", floatHex(node.v)];
    case "str":
      return ["str", node.v];
    case "bytes":
    case "bytearray":
      return [node.t, Buffer.from(node.v).toString("hex")];
    case "list":
    case "tuple":
    case "set":
    case "frozenset":
      return [node.t, node.items.map(d)];
    case "dict":
      return ["dict", node.entries.map(([k, v]) => [d(k), d(v)])];
    default:
      return ["repr", renderPickle(node)];
  }
}

const vectors = loadVectors("pickle");

describe("pickle vectors from CPython", () => {
  it("has vectors for every protocol", () => {
    expect(new Set(vectors.map((v) => v.protocol))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });

  it.each(vectors.map((v) => [v.id, v] as const))("%s decodes to what Python pickled", (_id, v) => {
    const decoded = decodePickle(v.bytes);
    // Without a PROTO header, protocol 1 output that uses no binary opcode is also valid protocol 0.
    if (v.protocol! <= 1) expect(decoded.protocol).toBeLessThanOrEqual(1);
    else expect(decoded.protocol).toBe(v.protocol);
    if (!v.expect) return;
    const got = describe_(decoded.root);
    if (v.expect[0] === "repr" && v.expect[1] === "<__main__.Point>") {
      expect(got[0]).toBe("repr");
      expect(String(got[1])).toMatch(/^__main__\.Point\(/);
    } else {
      expect(got).toEqual(v.expect);
    }
  });

  it.each(vectors.map((v) => [v.id, v] as const))("%s re-encodes byte for byte", (_id, v) => {
    const decoded = decodePickle(v.bytes);
    const again = encodePickle(decoded.root, decoded.protocol);
    expect(Buffer.from(again).toString("hex")).toBe(Buffer.from(v.bytes).toString("hex"));
  });

  it.each(vectors.filter((v) => v.expect).map((v) => [v.id, v] as const))(
    "%s survives the editable form unchanged",
    (_id, v) => {
      const decoded = decodePickle(v.bytes);
      const rebuilt = plainToPickle(pickleToPlain(decoded.root), decoded.root);
      expect(Buffer.from(encodePickle(rebuilt, decoded.protocol))).toEqual(Buffer.from(v.bytes));
    },
  );
});

describe("pickle decoding details", () => {
  it("reads the docs/formats.md reference bytes", () => {
    const d = Buffer.from("80049517000000000000007d94288c016194 4b018c0162945d94284b014b026575 2e".replace(/ /g, ""), "hex");
    const decoded = decodePickle(d);
    expect(renderPickle(decoded.root)).toBe("{'a': 1, 'b': [1, 2]}");
  });

  it("keeps memo references as shared nodes", () => {
    const v = vectors.find((x) => x.id === "pickle-p4-shared-str")!;
    const root = decodePickle(v.bytes).root;
    expect(root.t).toBe("list");
    const items = childrenOf(root);
    expect(items[0]).toBe(items[1]);
  });

  it("shows class instances without running anything", () => {
    const v = vectors.find((x) => x.id === "pickle-p2-point")!;
    const decoded = decodePickle(v.bytes);
    expect(renderPickle(decoded.root)).toBe("__main__.Point() with state {'x': 1, 'y': 'two'}");
    expect(isPlainPickle(decoded.root)).toBe(false);
    const p0 = decodePickle(vectors.find((x) => x.id === "pickle-p0-point")!.bytes);
    expect(renderPickle(p0.root)).toBe("__main__.Point() with state {'x': 1, 'y': 'two'}");
  });

  it("shows a hostile REDUCE as text instead of calling it", () => {
    const evil = Buffer.from("cos\nsystem\n(S'echo pwned'\ntR.", "latin1");
    const decoded = decodePickle(evil);
    expect(renderPickle(decoded.root)).toBe("os.system('echo pwned')");
    expect(isPlainPickle(decoded.root)).toBe(false);
    expect(pickleToPlain(decoded.root)).toMatchObject({ kind: "opaque", text: "os.system('echo pwned')" });
  });

  it("keeps a memo bomb linear: shared nodes are converted once", () => {
    // l0 = [1]; l(n+1) = [ln, ln] sixty times over: 2^60 leaves if expanded.
    const parts = [Buffer.from([0x80, 0x04, 0x5d, 0x94, 0x4b, 0x01, 0x61])];
    for (let i = 0; i < 60; i++) parts.push(Buffer.from([0x30, 0x5d, 0x94, 0x28, 0x68, i, 0x68, i, 0x65]));
    parts.push(Buffer.from([0x2e]));
    // Expanded, this would never finish: the test timeout is what catches a regression, not a stopwatch.
    const decoded = decodePickle(Buffer.concat(parts));
    const plain = pickleToPlain(decoded.root) as unknown[];
    expect(plain[0]).toBe(plain[1]);
    expect(renderPickle(decoded.root, 1000).length).toBeLessThan(1100);
  });

  it("renders shared structures within a budget", () => {
    let node: PickleNode = { t: "list", items: [{ t: "int", v: 1n }] };
    for (let i = 0; i < 60; i++) node = { t: "list", items: [node, node] };
    const text = renderPickle(node, 500);
    expect(text.length).toBeLessThan(520);
    expect(text.endsWith("…")).toBe(true);
  });

  it.each([
    ["empty input", ""],
    ["no STOP", "80044b2a"],
    ["unknown opcode", "8004ff2e"],
    ["memo miss", "80046801 2e"],
    ["stack underflow", "80046132e"],
    ["frame length past end", "8004 95ffffffffffffff00 2e"],
    ["trailing bytes", "80044b2a2e00"],
    ["huge BINUNICODE", "8004 58ffffffff 2e"],
  ])("rejects %s with a positioned CodecError", (_name, hex) => {
    const clean = hex.replace(/ /g, "");
    const bytes = Buffer.from(clean.length % 2 ? `${clean}0` : clean, "hex");
    let error: unknown;
    try {
      decodePickle(bytes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CodecError);
  });

  it("reports the byte position of the problem", () => {
    expect(() => decodePickle(Buffer.from("80044b2aff2e", "hex"))).toThrow(/at byte 4/);
  });

  it("refuses nesting deeper than the limit", () => {
    const deep = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.alloc(5000, 0x5d), Buffer.alloc(4999, 0x61), Buffer.from([0x2e])]);
    expect(() => decodePickle(deep)).toThrow(CodecError);
  });

  it("refuses integer literals longer than CPython accepts", () => {
    const text = Buffer.from(`I${"9".repeat(5000)}\n.`, "latin1");
    expect(() => decodePickle(text)).toThrow(/too many digits/);
  });
});
