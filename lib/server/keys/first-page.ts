import "server-only";
import type { LoadedConnection } from "../../connections/load";
import { FIRST_PAGE_ROWS, type KeyPage } from "../../wire/key-page";
import { keyPage } from "./key-page";

/**
 * How long a page render waits for the first rows. A healthy cache answers in a few milliseconds; a slow or
 * unreachable one must not hold the page, so past this the list asks for its rows from the browser, as it
 * does for every later page, and shows that request's progress or error.
 */
const FIRST_PAGE_DEADLINE_MS = 250;

/**
 * The unfiltered first page of the key list, read while the page renders so the rows arrive with the HTML;
 * null when the backend cannot list keys, fails, or takes longer than the deadline (the read is then aborted).
 */
export async function firstKeyPage(connection: LoadedConnection, deadlineMs = FIRST_PAGE_DEADLINE_MS): Promise<KeyPage | null> {
  const driver = connection.driver();
  if (!driver.capabilities.listKeys) return null;
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(null);
    }, deadlineMs);
  });
  const read = keyPage(driver, { limit: FIRST_PAGE_ROWS, pace: connection.scanPace, signal: abort.signal }).catch(() => null);
  try {
    return await Promise.race([read, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
