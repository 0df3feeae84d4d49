import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ValueTree } from "@/components/browser/value-view/value-tree";
import { toPlain, type PlainValue } from "@/lib/codecs";
import { decodePickle } from "@/lib/codecs/pickle/decode";
import { memoBombPickle } from "@/tests/support/bombs";

const render = (value: PlainValue) => renderToStaticMarkup(createElement(ValueTree, { value }));
const count = (html: string, pattern: RegExp) => html.match(pattern)?.length ?? 0;

describe("value tree", () => {
  it("shows a memo bomb as the shared tree it is: each level once, references elsewhere", () => {
    // 5 levels of 10 references each: 10^5 leaves when expanded, 111,111 containers.
    const plain = toPlain(decodePickle(memoBombPickle(5, 10)));
    const html = render(plain);
    expect(count(html, /<details/g)).toBeLessThanOrEqual(6);
    expect(count(html, /↺ same object as #\d+/g)).toBeGreaterThan(0);
    expect(count(html, /<div/g)).toBeLessThan(200);
  });

  it("renders nothing inside a closed container", () => {
    let deep: PlainValue = [1n];
    for (let i = 0; i < 6; i++) deep = [deep, `level ${i}`];
    const html = render(deep);
    // Three levels open; the fourth is a closed summary whose contents are not in the page.
    expect(html).toContain("level 5");
    expect(html).toContain("level 3");
    expect(html).not.toContain("level 2");
    expect(count(html, /<details open/g)).toBe(3);
  });

  it("shows a container that contains itself as a reference to itself", () => {
    const list: PlainValue[] = [1n];
    list.push(list);
    const html = render(list);
    expect(html).toContain("#1");
    expect(html).toContain("↺ same object as #1");
  });

  it("opens the top levels of ordinary values only while they show few rows", () => {
    const wide: PlainValue = Array.from({ length: 30 }, (_, i) => Array.from({ length: 100 }, (__, j) => BigInt(i * 100 + j)));
    const html = render(wide);
    expect(count(html, /data-tree-leaf/g)).toBeLessThanOrEqual(2000);
    expect(count(html, /<details open/g)).toBeGreaterThan(1);
    expect(html).toContain(">0<");
  });
});
