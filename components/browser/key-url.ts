/**
 * The open key's `key` URL parameter. A short key is its base64url, so links can be shared. A long one (a
 * 1 MiB key name is 1.4 MB of base64url) would make the URL too large for the server to accept at all, so the
 * URL carries a short handle instead and the key itself stays in this tab's session storage.
 */
const MAX_URL_KEY_CHARS = 2048;
const HANDLE = "~";
const STORAGE_PREFIX = "cacheboard:open-key:";

/** Keys put behind a handle in this page's lifetime, for when session storage refuses them (quota). */
const remembered = new Map<string, string>();

/** The `key` URL parameter for a key's base64url form. */
export function keyToUrlParam(param: string): string {
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

export type OpenKey = { param: string } | { unknownHandle: true } | null;

/**
 * The open key's base64url form from the `key` URL parameter; an unknown handle is a link from another tab.
 * `hydrated` is false while the server renders and the browser hydrates: storage is only read after that,
 * so both render the same.
 */
export function keyFromUrlParam(value: string | null, hydrated: boolean): OpenKey {
  if (!value) return null;
  if (!value.startsWith(HANDLE)) return { param: value };
  if (!hydrated) return null;
  const param = remembered.get(value) ?? sessionStorage.getItem(STORAGE_PREFIX + value);
  return param ? { param } : { unknownHandle: true };
}
