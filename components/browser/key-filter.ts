import { bytesToBase64, paramToBase64 } from "@/lib/wire/keys";
import type { KeyPageQuery } from "./api";

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
