/** What a memcached profile holds, the secret it reads, and what memcached can do. Pure: `lib/kinds/` reads it. */
import { z } from "zod";
import type { Capabilities } from "../types";

/** Longest key memcached stores. */
export const MAX_KEY_BYTES = 250;

/** Non-secret settings of a memcached profile; the `password` comes from the profile's secrets. */
export const memcachedSettingsSchema = z.object({
  /** `host:port` or a unix socket path, spelled as the app spells them (pool placement hashes the names). */
  servers: z.array(z.string().min(1)).min(1),
  /** For servers started with `-Y` (memcached's ASCII authentication). */
  username: z.string().min(1).optional(),
  /** The server's item size limit (`-I`, default 1 MiB); values up to this minus item overhead are accepted. */
  maxItemBytes: z.number().int().positive().default(1024 * 1024),
});

/** Validated settings (parsed once, by the kind's schema, filling in the defaults). */
export type MemcachedSettings = z.output<typeof memcachedSettingsSchema>;

/** Secrets the memcached kind reads from the connection profile. */
export interface MemcachedSecrets {
  password?: string;
}

/** Room an item needs besides its value (header, CAS, longest key, suffix, CRLF). */
const ITEM_OVERHEAD_BYTES = 1024;

/** What memcached can do; `maxValueBytes` follows the server's item size limit (`-I`). */
export function memcachedCapabilitiesFor(maxItemBytes: number): Capabilities {
  return {
    listKeys: true,
    types: false,
    ttl: true,
    persist: true,
    keepTtl: false,
    counters: true,
    floatCounters: false,
    negativeCounters: false,
    atomicCounters: true,
    namespaceDelete: true,
    namespaceExpire: true,
    atomicExpireIfNoTtl: false,
    cas: true,
    rename: false,
    rangeRead: false,
    dumpRestore: true,
    flush: true,
    maxKeyBytes: MAX_KEY_BYTES,
    maxValueBytes: maxItemBytes - ITEM_OVERHEAD_BYTES,
    emptyValues: true,
    serverViews: ["memcached"],
    databases: false,
  };
}

