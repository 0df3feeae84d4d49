/** pymemcache's server selection for pools, so Cacheboard finds a key on the server the app put it on. */

/** MurmurHash3 x86 32-bit, as pymemcache's pure-Python `murmur3_32` computes it. */
export function murmur3(data: Uint8Array, seed = 0): number {
  let h = seed >>> 0;
  const length = data.length;
  const rounded = length & ~3;
  for (let i = 0; i < rounded; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = length & 3;
  if (tail === 3) k = data[rounded + 2] << 16;
  if (tail >= 2) k |= data[rounded + 1] << 8;
  if (tail >= 1) {
    k |= data[rounded];
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The code units pymemcache hashes for a key. Python apps (Django, most others) pass `str` keys, and its
 * murmur3 reads `ord(c) & 0xff` per character, so a UTF-8 key hashes by code point, not by byte.
 */
function pythonKeyUnits(key: Buffer): Uint8Array {
  const text = key.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(key)) return key;
  const units: number[] = [];
  for (const ch of text) units.push(ch.codePointAt(0)! & 0xff);
  return Uint8Array.from(units);
}

/**
 * Index of the server pymemcache's `HashClient` (rendezvous hashing, murmur3, seed 0) sends `key` to. The
 * node names must be spelled as the app spells them (`127.0.0.1:11211` and `localhost:11211` differ).
 */
export function pickServer(nodes: readonly string[], key: Buffer): number {
  if (nodes.length === 1) return 0;
  const units = pythonKeyUnits(key);
  let best = -1;
  let winner = 0;
  for (let i = 0; i < nodes.length; i++) {
    const score = murmur3(Buffer.concat([Buffer.from(`${nodes[i]}-`, "latin1"), units]));
    if (score > best || (score === best && nodes[i] > nodes[winner])) {
      best = score;
      winner = i;
    }
  }
  return winner;
}
