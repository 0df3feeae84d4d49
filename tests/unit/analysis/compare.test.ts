import { describe, expect, it } from "vitest";
import { AnalysisCollector } from "@/lib/server/analysis/collector";
import { compareFigures } from "@/lib/wire/analysis-compare";

function figures(keys: [string, number][]) {
  const c = new AnalysisCollector(":");
  for (const [name, bytes] of keys) c.add({ key: Buffer.from(name), type: "string", ttlMs: null, bytes, length: null });
  return c.figures({ scanned: keys.length, complete: true, bytesMeasure: "memory" });
}

describe("comparing two analysis reports", () => {
  it("gives growth per namespace, new and vanished ones, biggest change first", () => {
    const before = figures([["a:1", 10], ["a:2", 10], ["gone:1", 5], ["same:1", 3]]);
    const after = figures([["a:1", 10], ["a:2", 10], ["a:3", 100], ["fresh:x:1", 40], ["same:1", 3]]);
    const { totals, namespaces, truncated } = compareFigures(before, after);
    expect(totals).toMatchObject({ keysDelta: 1, bytesDelta: 135 });
    expect(truncated).toBe(false);
    expect(namespaces.map((n) => [n.label, n.status, n.keysDelta, n.bytesDelta])).toEqual([
      ["a:", "changed", 1, 100],
      ["fresh:", "new", 1, 40],
      ["fresh:x:", "new", 1, 40],
      ["gone:", "vanished", -1, -5],
      ["same:", "same", 0, 0],
    ]);
    expect(namespaces.find((n) => n.label === "gone:")?.after).toBeNull();
  });
});
