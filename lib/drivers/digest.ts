import { createHash } from "node:crypto";
import { DIGEST_MAX_BYTES } from "./limits";

/**
 * Identity of a stored value for conflict checks. SHA-1 because Redis can compute it server-side in Lua
 * (`redis.sha1hex`) without shipping a large value to us; collisions are not a threat model here.
 */
export function valueDigest(value: Buffer | Uint8Array): string {
  return createHash("sha1").update(value).digest("hex");
}

export { DIGEST_MAX_BYTES };

/** Bytes taken from each end of a large value for `sampledDigest`. */
export const SAMPLE_BYTES = 4096;

/** Prefix that marks a sampled digest; the compare-and-set script branches on it. */
export const SAMPLED_PREFIX = "sampled:";

/**
 * Version of a value larger than `DIGEST_MAX_BYTES`: its length and its first and last `SAMPLE_BYTES`,
 * which costs O(sample) on the server. It catches a value that was rewritten, resized, appended to or
 * prefixed; it does not catch an equal-length change confined to the middle. Such values are not edited in
 * place (see the README), so this only guards whole-value replacement and "the value changed while it was
 * being paged or downloaded".
 */
export function sampledDigest(total: number, head: Buffer, tail: Buffer): string {
  return SAMPLED_PREFIX + createHash("sha1").update(`${total}:`).update(head).update(tail).digest("hex");
}

/** The digest a reader of this whole value gets back: `valueDigest` up to `DIGEST_MAX_BYTES`, else sampled. */
export function stringDigest(value: Buffer): string {
  if (value.length <= DIGEST_MAX_BYTES) return valueDigest(value);
  return sampledDigest(value.length, value.subarray(0, SAMPLE_BYTES), value.subarray(value.length - SAMPLE_BYTES));
}

/** `write({ expect: ABSENT_DIGEST })` expects the key not to exist. */
export const ABSENT_DIGEST = "absent";
