/**
 * Redis-style glob patterns on bytes (`*`, `?`, `[…]`, `\` escapes), shared by every driver: Redis matches
 * them on the server, backends without a server-side MATCH filter with `scanMatcher`.
 */

const GLOB_SPECIAL = new Set([0x2a /* * */, 0x3f /* ? */, 0x5b /* [ */, 0x5d /* ] */, 0x5c /* \ */]);
const BACKSLASH = 0x5c;
const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;

/** `bytes` as a pattern that matches exactly those bytes. */
export function escapeGlob(bytes: Buffer): Buffer {
  let specials = 0;
  for (const byte of bytes) if (GLOB_SPECIAL.has(byte)) specials++;
  if (specials === 0) return Buffer.from(bytes);
  const out = Buffer.allocUnsafe(bytes.length + specials);
  let j = 0;
  for (const byte of bytes) {
    if (GLOB_SPECIAL.has(byte)) out[j++] = BACKSLASH;
    out[j++] = byte;
  }
  return out;
}

/**
 * A pattern matching every key that starts with exactly `prefix`: `LITESTAR:` gives `LITESTAR:*`, which
 * never matches `LITESTARX:…`, and `a*[b]` gives `a\*\[b\]*`.
 */
export function prefixPattern(prefix: Buffer): Buffer {
  return Buffer.concat([escapeGlob(prefix), Buffer.from([STAR])]);
}

const ANY = -1;
const STAR_TOKEN = -2;
const CLASS = -3;
/** Redis gives up on a pattern whose star groups nest deeper than this (its guard against abusive patterns). */
const REDIS_MAX_NESTING = 1000;

/**
 * Redis' `stringmatchlen` (case-sensitive) on bytes. `pattern` is parsed once into tokens, matched in O(tokens × key bytes) with a single backtrack point (the last
 * star): each star only ever extends the span it covers, so a failed attempt never has to be retried from an
 * earlier star. Redis itself recurses per star (exponential without its guards); the parse below follows
 * its `stringmatchlen` byte for byte, including its quirks:
 * - `[a-]` is a range from `a` to `]`, so the class goes on; an unterminated class runs to the end;
 * - range bounds compare as C `char`, signed on x86-64 (`[a-\xff]` is the range -1…97 and misses 0x90);
 * - an empty key matches only the empty pattern (SCAN treats the lone `*` apart, see `scanMatches`);
 * - a pattern whose 1001st star group is not its end matches nothing (Redis' nesting limit).
 */
export function compileGlob(pattern: Buffer): (key: Buffer) => boolean {
  // Token i is a byte (0–255), ANY, STAR_TOKEN or CLASS; classes[i] holds a class's answer for each byte.
  const tokens: number[] = [];
  const classes: (Uint8Array | undefined)[] = [];
  const n = pattern.length;
  let starGroups = 0;
  let hopeless = false;
  let i = 0;
  while (i < n) {
    const c = pattern[i];
    if (c === STAR) {
      while (i + 1 < n && pattern[i + 1] === STAR) i++;
      starGroups++;
      if (starGroups > REDIS_MAX_NESTING && i + 1 < n) hopeless = true;
      tokens.push(STAR_TOKEN);
      classes.push(undefined);
    } else if (c === QUESTION) {
      tokens.push(ANY);
      classes.push(undefined);
    } else if (c === OPEN) {
      i++;
      const negate = i < n && pattern[i] === CARET;
      if (negate) i++;
      const set = new Uint8Array(256);
      for (;;) {
        if (pattern[i] === BACKSLASH && n - i >= 2) {
          i++;
          set[pattern[i]] = 1;
        } else if (i < n && pattern[i] === CLOSE) {
          break;
        } else if (i >= n) {
          i--;
          break;
        } else if (n - i >= 3 && pattern[i + 1] === DASH) {
          let lo = signedChar(pattern[i]);
          let hi = signedChar(pattern[i + 2]);
          if (lo > hi) [lo, hi] = [hi, lo];
          for (let b = 0; b < 256; b++) if (signedChar(b) >= lo && signedChar(b) <= hi) set[b] = 1;
          i += 2;
        } else {
          set[pattern[i]] = 1;
        }
        i++;
      }
      if (negate) for (let b = 0; b < 256; b++) set[b] ^= 1;
      tokens.push(CLASS);
      classes.push(set);
    } else {
      if (c === BACKSLASH && n - i >= 2) i++;
      tokens.push(pattern[i]);
      classes.push(undefined);
    }
    i++;
  }
  const count = tokens.length;
  const accepts = (t: number, byte: number): boolean => {
    const token = tokens[t];
    if (token === ANY) return true;
    if (token === CLASS) return classes[t]![byte] === 1;
    return token === byte;
  };
  return (key) => {
    if (hopeless) return false;
    const m = key.length;
    if (m === 0) return count === 0;
    let t = 0;
    let s = 0;
    let starAt = -1;
    let resumeAt = 0;
    while (s < m) {
      if (t < count && tokens[t] === STAR_TOKEN) {
        starAt = t++;
        resumeAt = s;
      } else if (t < count && accepts(t, key[s])) {
        t++;
        s++;
      } else if (starAt >= 0) {
        t = starAt + 1;
        s = ++resumeAt;
      } else {
        return false;
      }
    }
    while (t < count && tokens[t] === STAR_TOKEN) t++;
    return t === count;
  };
}

function signedChar(byte: number): number {
  return byte > 127 ? byte - 256 : byte;
}

/**
 * What SCAN MATCH keeps: Redis skips the matcher altogether for the lone pattern `*` (so it lists the empty
 * key too) and runs `stringmatchlen` otherwise.
 */
export function scanMatcher(pattern: Buffer): (key: Buffer) => boolean {
  if (pattern.length === 1 && pattern[0] === STAR) return () => true;
  return compileGlob(pattern);
}
