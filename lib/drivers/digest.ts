import { createHash } from "node:crypto";

/**
 * Identity of a stored value for conflict checks. SHA-1 because Redis can compute it server-side in Lua
 * (`redis.sha1hex`) without shipping a large value to us; collisions are not a threat model here.
 */
export function valueDigest(value: Buffer | Uint8Array): string {
  return createHash("sha1").update(value).digest("hex");
}

/** `write({ expect: ABSENT_DIGEST })` expects the key not to exist. */
export const ABSENT_DIGEST = "absent";
