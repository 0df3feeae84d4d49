import { bytesToBase64, paramToBase64 } from "@/lib/wire/keys";
import type { KeyPage } from "@/lib/wire/key-page";
import type { KeyPageQuery } from "./api";
import type { LoadedPage } from "./key-rows";

/** What the key list shows, as the URL holds it: a namespace (key parameter), a pattern or exact key, a type. */
export interface KeyFilter {
  ns: string;
  q: string;
  type: string;
  exact: boolean;
}

/** The key-page request for a filter: the namespace as base64, an exact key as its UTF-8 bytes, empty fields left out. */
export function keyPageQuery(filter: KeyFilter): KeyPageQuery {
  return {
    prefix: filter.ns ? paramToBase64(filter.ns) : undefined,
    match: !filter.exact && filter.q ? filter.q : undefined,
    exact: filter.exact && filter.q ? bytesToBase64(new TextEncoder().encode(filter.q)) : undefined,
    type: filter.type || undefined,
  };
}

/**
 * The first page the server rendered with the HTML, as the key list's infinite query holds its pages; only for
 * the unfiltered list, the one it was read for. TTLs count down from when this browser got them (its clock,
 * like a fetched page), not the server's.
 */
export function renderedFirstPage(page: KeyPage | null | undefined, query: KeyPageQuery): { pages: LoadedPage[]; pageParams: string[] } | undefined {
  if (!page || query.prefix || query.match || query.exact || query.type) return undefined;
  return { pages: [{ ...page, receivedAt: typeof window === "undefined" ? page.readAt : Date.now() }], pageParams: [""] };
}
