/**
 * Redis-style glob patterns on bytes (`*`, `?`, `[…]`, `\` escapes), shared by every driver: Redis matches
 * them on the server, backends without a server-side MATCH filter with `globMatch`.
 */

const GLOB_SPECIAL = new Set([0x2a /* * */, 0x3f /* ? */, 0x5b /* [ */, 0x5d /* ] */, 0x5c /* \ */]);
const BACKSLASH = 0x5c;
const STAR = 0x2a;

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

/** Redis' `stringmatchlen` (case-sensitive) on bytes, for backends that list keys without a server-side MATCH. */
export function globMatch(pattern: Buffer, key: Buffer): boolean {
  return matchFrom(pattern, 0, key, 0);
}

function matchFrom(p: Buffer, pi: number, s: Buffer, si: number): boolean {
  while (pi < p.length && si < s.length) {
    const c = p[pi];
    if (c === STAR) {
      while (pi + 1 < p.length && p[pi + 1] === STAR) pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchFrom(p, pi + 1, s, k)) return true;
      return false;
    }
    if (c === 0x3f) {
      pi++;
      si++;
      continue;
    }
    if (c === 0x5b) {
      const result = matchClass(p, pi + 1, s[si]);
      if (!result.matched) return false;
      pi = result.next;
      si++;
      continue;
    }
    if (c === BACKSLASH && pi + 1 < p.length) pi++;
    if (p[pi] !== s[si]) return false;
    pi++;
    si++;
  }
  while (pi < p.length && p[pi] === STAR) pi++;
  return pi === p.length && si === s.length;
}

function matchClass(p: Buffer, start: number, byte: number): { matched: boolean; next: number } {
  let pi = start;
  const negate = p[pi] === 0x5e; /* ^ */
  if (negate) pi++;
  let matched = false;
  for (;;) {
    if (pi >= p.length) {
      // An unterminated class ends at the end of the pattern, as in Redis.
      pi--;
      break;
    }
    const c = p[pi];
    if (c === 0x5d) break;
    if (c === BACKSLASH && pi + 1 < p.length) {
      pi++;
      if (p[pi] === byte) matched = true;
    } else if (pi + 2 < p.length && p[pi + 1] === 0x2d /* - */) {
      let lo = c;
      let hi = p[pi + 2];
      if (lo > hi) [lo, hi] = [hi, lo];
      if (byte >= lo && byte <= hi) matched = true;
      pi += 2;
    } else if (c === byte) {
      matched = true;
    }
    pi++;
  }
  return { matched: negate ? !matched : matched, next: pi + 1 };
}
