/** What a uWSGI profile holds (it has no secrets: the uwsgi protocol has no authentication) and what uWSGI can do. */
import { z } from "zod";
import type { Capabilities } from "../types";

const socketAddress = z.string().regex(/^(\/.+|.+:\d{1,5})$/, "Use host:port or the absolute path of a unix socket");

export const uwsgiSettingsSchema = z.object({
  /** The uwsgi-protocol socket (`--socket`): `host:port` or a unix socket path. */
  address: socketAddress,
  /** The `--stats` server, for cache names, key and block sizes, and counters. */
  statsAddress: socketAddress.optional(),
  /** Caches to offer when there is no stats server (uWSGI's defaults: keysize 2048, blocksize 65536). */
  caches: z
    .array(
      z.object({
        name: z.string().min(1),
        keysize: z.number().int().positive().default(2048),
        blocksize: z.number().int().positive().default(65536),
      }),
    )
    .optional(),
});

/** Validated settings (parsed once, by the kind's schema, filling in the defaults). */
export type UwsgiSettings = z.output<typeof uwsgiSettingsSchema>;

export const UWSGI_COUNTER_NOTICE =
  "uWSGI counters are changed by reading the value, computing and writing it back: this is not atomic across workers, so an increment made by the app at the same moment can be lost.";

/**
 * What a uWSGI cache can do. The key and value limits depend on the caches' keysize and blocksize: a
 * driver fills them in (the largest any cache accepts) once it has read them.
 */
export const uwsgiCapabilities: Capabilities = {
  listKeys: true,
  types: false,
  ttl: true,
  persist: true,
  keepTtl: false,
  counters: true,
  floatCounters: false,
  negativeCounters: true,
  atomicCounters: false,
  namespaceDelete: true,
  namespaceExpire: true,
  atomicExpireIfNoTtl: false,
  cas: false,
  rename: false,
  rangeRead: false,
  dumpRestore: false,
  flush: true,
  maxKeyBytes: null,
  maxValueBytes: null,
  emptyValues: false,
  serverViews: ["uwsgi"],
  databases: false,
};
