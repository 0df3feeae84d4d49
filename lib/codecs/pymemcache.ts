/**
 * pymemcache's serializer flags (Django's memcached backend and many others): the one table both format
 * detection and new values use. A zlib-compressed value has `ZLIB` added to its type's flag.
 */
import type { ValueFormat } from "./value";

export const PYMEMCACHE_FLAGS = { text: 0, pickle: 1, int: 2, long: 4, zlib: 8, textType: 16 } as const;

/** What a flags word (without the zlib bit) says the value is. */
export const PYMEMCACHE_FORMATS: Record<number, ValueFormat> = {
  [PYMEMCACHE_FLAGS.pickle]: "pickle",
  [PYMEMCACHE_FLAGS.int]: "counter",
  [PYMEMCACHE_FLAGS.long]: "counter",
  [PYMEMCACHE_FLAGS.textType]: "text",
};
