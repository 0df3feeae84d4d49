import { describe, expect, it } from "vitest";
import { squarify } from "@/components/analysis/treemap-layout";

describe("squarified treemap layout", () => {
  it("covers the box exactly, each area proportional to its value", () => {
    const values = [6, 6, 4, 3, 2, 2, 1];
    const rects = squarify(values, (v) => v, 6, 4);
    expect(rects).toHaveLength(values.length);
    const total = values.reduce((a, b) => a + b, 0);
    for (const r of rects) {
      expect(r.w * r.h).toBeCloseTo((r.item / total) * 24, 9);
      expect(r.x).toBeGreaterThanOrEqual(-1e-9);
      expect(r.y).toBeGreaterThanOrEqual(-1e-9);
      expect(r.x + r.w).toBeLessThanOrEqual(6 + 1e-9);
      expect(r.y + r.h).toBeLessThanOrEqual(4 + 1e-9);
    }
    // No two rectangles overlap.
    for (const a of rects) {
      for (const b of rects) {
        if (a === b) continue;
        const overlap = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
        expect(overlap).toBeLessThan(1e-9);
      }
    }
    // The classic example's first row: the two 6s side by side as 3 × 2 tiles.
    expect(rects.slice(0, 2).map((r) => [r.w, r.h])).toEqual([
      [3, 2],
      [3, 2],
    ]);
  });

  it("leaves out items without a value, and an empty map is empty", () => {
    expect(squarify([0, 5], (v) => v)).toHaveLength(1);
    expect(squarify([0], (v) => v)).toEqual([]);
  });
});
