import { clean, str } from "./draft-fields";
import { uwsgiCapabilities, uwsgiSettingsSchema, type UwsgiSettings } from "../drivers/uwsgi/settings";
import type { KindDescriptor } from "./types";

export const uwsgi: KindDescriptor<UwsgiSettings> = {
  kind: "uwsgi",
  label: "uWSGI cache",
  settings: uwsgiSettingsSchema,
  // The key and value limits depend on the caches' geometry: a driver fills them in once it has read it.
  capabilities: () => uwsgiCapabilities,
  secrets: [],
  usernameHint: null,
  tls: false,
  draftFromSettings: (settings) => ({
    uwsgiAddress: str(settings.address),
    uwsgiStatsAddress: str(settings.statsAddress),
    uwsgiCaches: Array.isArray(settings.caches)
      ? (settings.caches as { name: string; keysize?: number; blocksize?: number }[])
          .map((c) => (c.keysize || c.blocksize ? `${c.name} ${c.keysize ?? 2048} ${c.blocksize ?? 65536}` : c.name))
          .join("\n")
      : "",
  }),
  settingsFromDraft: (draft) =>
    clean({
      address: draft.uwsgiAddress.trim(),
      statsAddress: draft.uwsgiStatsAddress.trim() || undefined,
      caches: draft.uwsgiCaches.trim()
        ? draft.uwsgiCaches
            .split("\n")
            .map((line) => line.trim().split(/\s+/))
            .filter((parts) => parts[0])
            .map(([name, keysize, blocksize]) => clean({ name, keysize: keysize ? Number(keysize) : undefined, blocksize: blocksize ? Number(blocksize) : undefined }))
        : undefined,
    }),
  // An 8-byte value in a uWSGI cache is most likely an int64 counter; `cache_inc` & co. set the math flag 0x10.
  valueHints: (flags) => ({ uwsgi: true, ...(flags === undefined ? {} : { uwsgiFlags: flags }) }),
  // A value written here carries no flags, like one an app stores with cache_set().
  newValueFlags: () => undefined,
  keySchemes: false,
  dumpFlagsPrefix: false,
  pacedScan: false,
  console: { dialect: "uwsgi", placeholder: "get cache:key — or set, update, del, exists, stats" },
  firstLevelScheme: "uWSGI cache",
  stats: {
    ops: "Requests",
    opsShort: "Requests",
    opsTitle: "Worker requests per second",
    opsSeries: "requests",
    evictionsShort: "Cache full",
    evictionsTitle: "Refused writes (cache full) per second",
    evictionsNote: "writes refused: cache full",
    noMemoryMax: null,
    missing: (hasStatsServer) => (hasStatsServer ? "uWSGI's stats server does not report it" : "needs the uWSGI stats server address"),
  },
};
