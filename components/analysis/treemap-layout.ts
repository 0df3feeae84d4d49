/** Squarified treemap layout (Bruls, Huizing, van Wijk): rectangles in a unit square, as close to square as it gets. Pure. */

interface TreemapRect<T> {
  item: T;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Worst aspect ratio of a row of areas laid along a side of length `side`. */
function worst(row: number[], side: number): number {
  const sum = row.reduce((a, b) => a + b, 0);
  const max = Math.max(...row);
  const min = Math.min(...row);
  return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
}

/**
 * Lays out `items` by `value` (biggest first is best) in a `width` × `height` box. Items with no value
 * get no rectangle.
 */
export function squarify<T>(items: T[], value: (item: T) => number, width = 1, height = 1): TreemapRect<T>[] {
  const positive = items.filter((item) => value(item) > 0);
  const total = positive.reduce((sum, item) => sum + value(item), 0);
  if (total <= 0) return [];
  const scale = (width * height) / total;
  const areas = positive.map((item) => value(item) * scale);
  const out: TreemapRect<T>[] = [];
  let box = { x: 0, y: 0, w: width, h: height };
  let start = 0;
  while (start < areas.length) {
    const side = Math.min(box.w, box.h);
    let end = start + 1;
    while (end < areas.length && worst(areas.slice(start, end + 1), side) <= worst(areas.slice(start, end), side)) end++;
    const row = areas.slice(start, end);
    const sum = row.reduce((a, b) => a + b, 0);
    if (box.w >= box.h) {
      // A column on the left, as wide as the row's area over the height.
      const w = sum / box.h;
      let y = box.y;
      row.forEach((area, i) => {
        const h = area / w;
        out.push({ item: positive[start + i], x: box.x, y, w, h });
        y += h;
      });
      box = { x: box.x + w, y: box.y, w: box.w - w, h: box.h };
    } else {
      const h = sum / box.w;
      let x = box.x;
      row.forEach((area, i) => {
        const w = area / h;
        out.push({ item: positive[start + i], x, y: box.y, w, h });
        x += w;
      });
      box = { x: box.x, y: box.y + h, w: box.w, h: box.h - h };
    }
    start = end;
  }
  return out;
}
