import { describe, expect, it } from "vitest";
import { rowArray, rowsOfPages, type LoadedPage } from "@/components/browser/key-rows";
import type { KeyRow } from "@/lib/wire/key-page";

function keyRow(name: string): KeyRow {
  return { param: Buffer.from(name).toString("base64url"), text: name, binary: false, hidden: false, exists: true, type: "string", ttlMs: null, size: 1, length: null, format: null };
}

function page(names: string[], at: number): LoadedPage {
  return { rows: names.map(keyRow), cursor: String(at), done: false, scanned: names.length, estimated: false, covered: null, total: null, readAt: at, receivedAt: at };
}

/** The key list appends pages: earlier rows are neither rebuilt nor copied when a page arrives. */
describe("rows of appended key pages", () => {
  const pages = Array.from({ length: 6 }, (_, p) => page(Array.from({ length: 100 }, (_, i) => `k:${p}:${i}`), p));

  it("keeps the row objects of earlier pages when later pages are appended", () => {
    const afterOne = rowsOfPages(pages.slice(0, 1));
    const firstRow = afterOne.at(0);
    let list = afterOne;
    for (let n = 2; n <= 6; n++) list = rowsOfPages(pages.slice(0, n));
    expect(list.length).toBe(600);
    expect(list.at(0)).toBe(firstRow);
    expect(list.at(99)).toBe(afterOne.at(99));
    expect(list.at(100).text).toBe("k:1:0");
    expect(list.at(599).text).toBe("k:5:99");
    expect(rowArray(list, 250, 252).map((row) => row.text)).toEqual(["k:2:50", "k:2:51"]);
  });

  it("lists a key that SCAN returned twice once", () => {
    const list = rowsOfPages([page(["a", "b"], 1), page(["b", "c"], 2)]);
    expect(rowArray(list).map((row) => row.text)).toEqual(["a", "b", "c"]);
  });

  it("starts over when the pages were refetched", () => {
    const first = rowsOfPages([page(["a"], 1), page(["b"], 2)]);
    const refetched = rowsOfPages([page(["a"], 3)]);
    expect(refetched.length).toBe(1);
    expect(refetched.at(0)).not.toBe(first.at(0));
    expect(refetched.at(0).receivedAt).toBe(3);
  });
});
