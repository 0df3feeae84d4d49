/**
 * The open key's `key` URL parameter, readable where it can be, so a link pasted in a chat says which key
 * it opens:
 * - a key that is printable UTF-8 (no control, format or invisible characters) is `text:` and the name,
 *   `?key=text:myapp:user:42`. base64url never holds a `:`, so the prefix cannot be misread, and a text
 *   key that happens to look like base64 is still taken as text;
 * - any other key is its base64url, as links have always been (those keep working);
 * - a long key (a 1 MiB key name is 1.4 MB of base64url) would make the URL too large for the server to
 *   accept at all, so the URL carries a short handle instead and the key itself stays in this tab's
 *   session storage.
 */
import { keyFromParam, keyText, keyToParam } from "@/lib/wire/keys";

const MAX_URL_KEY_CHARS = 2048;
const HANDLE = "~";
const TEXT = "text:";
const STORAGE_PREFIX = "cacheboard:open-key:";

/** Keys put behind a handle in this page's lifetime, for when session storage refuses them (quota). */
const remembered = new Map<string, string>();

/** The `key` URL parameter for a key's base64url form. */
export function keyToUrlParam(param: string): string {
  const bytes = keyFromParam(param);
  const shown = keyText(bytes);
  if (!shown.binary && !shown.hidden && queryValue(TEXT + shown.text).length <= MAX_URL_KEY_CHARS) return TEXT + shown.text;
  if (param.length <= MAX_URL_KEY_CHARS) return param;
  const handle = HANDLE + crypto.randomUUID();
  remembered.set(handle, param);
  try {
    sessionStorage.setItem(STORAGE_PREFIX + handle, param);
  } catch {
    // Over the storage quota: the handle still works until the page is reloaded.
  }
  return handle;
}

type OpenKey = { param: string } | { unknownHandle: true } | null;

/**
 * The open key's base64url form from the `key` URL parameter; an unknown handle is a link from another tab.
 * `hydrated` is false while the server renders and the browser hydrates: storage is only read after that,
 * so both render the same.
 */
export function keyFromUrlParam(value: string | null, hydrated: boolean): OpenKey {
  if (!value) return null;
  if (value.startsWith(TEXT)) return { param: keyToParam(new TextEncoder().encode(value.slice(TEXT.length))) };
  if (!value.startsWith(HANDLE)) return { param: value };
  if (!hydrated) return null;
  const param = remembered.get(value) ?? sessionStorage.getItem(STORAGE_PREFIX + value);
  return param ? { param } : { unknownHandle: true };
}

/**
 * A query value escaped only where it must be: `:`, `/`, `@` and `,` may stand as they are in a query
 * (RFC 3986), and left as they are, `myapp:user:42` reads as itself in the address bar and in a pasted link.
 */
function queryValue(value: string): string {
  return encodeURIComponent(value).replace(/%(3A|2F|40|2C)/gi, (escaped) => decodeURIComponent(escaped));
}

/** `URLSearchParams.toString()` with `queryValue`'s lighter escaping, for the browser's URLs. */
export function searchString(params: URLSearchParams): string {
  return Array.from(params, ([name, value]) => `${encodeURIComponent(name)}=${queryValue(value)}`).join("&");
}
