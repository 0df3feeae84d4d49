/**
 * Largest string whose whole-value digest is computed (in Redis, in Lua), and so the largest value edited in
 * place. Hashing a larger value would hold the server for as long as the hash takes, so above this a value is
 * identified by `sampledDigest` instead. No imports: the browser bundle reads it too.
 */
export const DIGEST_MAX_BYTES = 1024 * 1024;

/**
 * Deadline of every driver call, connecting included, when a profile does not set its own: the default of the
 * profile form and schema, and of `createDriver`. No imports here, so the connection form can read it too.
 */
export const DEFAULT_TIMEOUT_MS = 5000;
