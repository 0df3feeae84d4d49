/**
 * Where to send someone after sign-in. Only a path on this site, exactly as given: it is parsed against a
 * fixed base and must keep that origin and come back unchanged, so nothing a browser would strip or
 * rewrite (tabs, newlines, backslashes, `//host`) can turn it into another site. Anything else means "/".
 */
const BASE = "http://cacheboard.invalid";
const MAX_LENGTH = 4096;

export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || next.length > MAX_LENGTH) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || /[\\\u0000-\u0020\u007f]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = url.pathname + url.search + url.hash;
  return path === next ? path : "/";
}

/** The sign-in page, asked to come back to `target` (a request target) afterwards. */
export function loginPathFor(target: string | null): string {
  if (!target) return "/login";
  let url: URL;
  try {
    url = new URL(target, BASE);
  } catch {
    return "/login";
  }
  // Client-side navigations carry Next.js's cache-busting parameter; it is not part of the page's address.
  if (url.searchParams.has("_rsc")) url.searchParams.delete("_rsc");
  const back = safeNextPath(url.origin === BASE ? url.pathname + url.search : "");
  return back === "/" ? "/login" : `/login?next=${encodeURIComponent(back)}`;
}
