import type { KeyPage, KeyRow } from "@/lib/wire/key-page";

export type Row = KeyRow & { receivedAt: number };
export type LoadedPage = KeyPage & { receivedAt: number };

/** Rows by position without one flat array: pages stay the chunks they arrived as. */
export interface RowList {
  readonly length: number;
  at(index: number): Row;
}

interface Builder {
  pages: LoadedPage[];
  chunks: Row[][];
  /** Keys already listed: SCAN may return a key twice (during a rehash), the list shows it once. */
  seen: Set<string>;
}

// One builder per list of pages, found by its first page: pages arrive appended to the same array
// lineage, so each new page costs its own rows only and earlier rows keep their identity (memoised row
// components then skip them). A refetch brings new page objects, hence a new builder.
const builders = new WeakMap<LoadedPage, Builder>();

function chunkList(chunks: Row[][]): RowList {
  const offsets: number[] = [];
  let length = 0;
  for (const chunk of chunks) {
    offsets.push(length);
    length += chunk.length;
  }
  return {
    length,
    at(index) {
      let lo = 0;
      let hi = chunks.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (offsets[mid] <= index) lo = mid;
        else hi = mid - 1;
      }
      return chunks[lo][index - offsets[lo]];
    },
  };
}

/** The rows of `pages` in scan order, each page turned into rows once. */
export function rowsOfPages(pages: readonly LoadedPage[]): RowList {
  if (pages.length === 0) return chunkList([]);
  let builder = builders.get(pages[0]);
  if (!builder || builder.pages.length > pages.length || builder.pages.some((page, i) => page !== pages[i])) {
    builder = { pages: [], chunks: [], seen: new Set() };
    builders.set(pages[0], builder);
  }
  for (let i = builder.pages.length; i < pages.length; i++) {
    const page = pages[i];
    const chunk: Row[] = [];
    for (const row of page.rows) {
      if (builder.seen.has(row.param)) continue;
      builder.seen.add(row.param);
      chunk.push({ ...row, receivedAt: page.receivedAt });
    }
    builder.pages.push(page);
    builder.chunks.push(chunk);
  }
  return chunkList(builder.chunks.slice());
}

/** A plain array as a RowList (sorted or server-ranked rows). */
export function rowsOfArray(rows: readonly Row[]): RowList {
  return { length: rows.length, at: (index) => rows[index] };
}

/** Every row of the list, in order (for sorting loaded rows and range selection). */
export function rowArray(list: RowList, from = 0, to = list.length): Row[] {
  const out: Row[] = [];
  for (let i = from; i < to; i++) out.push(list.at(i));
  return out;
}
