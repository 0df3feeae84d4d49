/**
 * What the key list and the namespace tree receive from their route handlers. Plain JSON: keys as base64url
 * (the URL form of `lib/wire/keys.ts`) plus display text, so the browser never has to guess at bytes.
 * No server imports: the client components use these types.
 */
import type { KeyType } from "../drivers/types";

export interface KeyRow {
  /** base64url of the key bytes: the `key` URL parameter and, converted, the base64 of request bodies. */
  param: string;
  /** Display text, non-UTF-8 and control bytes escaped as `\xNN`. */
  text: string;
  binary: boolean;
  /** The name holds invisible or bidi characters, shown escaped in `text`. */
  hidden: boolean;
  exists: boolean;
  type: KeyType;
  /** Remaining TTL in ms when the page was read; count down from `KeyPage.readAt`. */
  ttlMs: number | null;
  size: number | null;
  length: number | null;
  /** Short detected format (`pickle protocol 5`, `zlib → pickle protocol 4`, `JSON (compact)`); null when not checked. */
  format: string | null;
}

/**
 * Rows of the key list's first page: small, so it paints soon (the page renders it on the server when the
 * cache answers in time); later pages are as large as the server gives.
 */
export const FIRST_PAGE_ROWS = 200;

/**
 * The most rows one page may ask for, and what the key list asks for once someone scrolls. Each page costs
 * the browser a round of fixed work (a render, a layout, a paint, the request's own handling) besides its
 * rows: in Chromium, scrolling 100k keys in pages of 1,000 kept the main thread busy 5.3–6.3 s, most of it
 * per page, not per row.
 */
export const MAX_PAGE_ROWS = 2000;

export interface KeyPage {
  rows: KeyRow[];
  cursor: string;
  done: boolean;
  /** Keys the server looked at for this page (with a filter, most may not match). */
  scanned: number;
  /** `scanned` is an estimate (Redis filters on the server and only says how far its cursor got). */
  estimated: boolean;
  /** Share of the keyspace walked once this page is done (0–1), when the backend's cursor tells. */
  covered: number | null;
  /** Keys in the database, for "scanned N of ~M"; null when the backend cannot say. */
  total: number | null;
  /** Server clock when the metadata was read, for TTL countdowns. */
  readAt: number;
}
