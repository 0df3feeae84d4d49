import { pymemcacheFlags } from "../codecs/edit/new-value";
import { clean, int, lines, nodesText, str, username } from "./draft-fields";
import { memcachedCapabilitiesFor, memcachedSettingsSchema, type MemcachedSettings } from "../drivers/memcached/settings";
import { PASSWORD, REDIS_STATS, type KindDescriptor } from "./types";

export const memcached: KindDescriptor<MemcachedSettings> = {
  kind: "memcached",
  label: "Memcached",
  settings: memcachedSettingsSchema,
  // The value limit follows the server's item size limit (`-I`) the profile states.
  capabilities: (settings) => memcachedCapabilitiesFor(settings.maxItemBytes),
  secrets: [PASSWORD],
  usernameHint: "For servers started with -Y.",
  tls: false,
  draftFromSettings: (settings) => ({ username: str(settings.username), addresses: nodesText(settings.servers), maxItemBytes: str(settings.maxItemBytes) }),
  settingsFromDraft: (draft) => clean({ servers: lines(draft.addresses), username: username(draft), maxItemBytes: int(draft.maxItemBytes) }),
  // pymemcache (Django's memcached backend) sets 1 pickle, 2 int, 4 long, 8 zlib, 16 text; 0 says nothing.
  valueHints: (flags) => (flags === undefined ? {} : { memcachedFlags: flags }),
  newValueFlags: pymemcacheFlags,
  keySchemes: true,
  dumpFlagsPrefix: true,
  pacedScan: false,
  firstLevelScheme: null,
  stats: REDIS_STATS,
  console: { dialect: "memcached", placeholder: "get key — or mg key v t f, stats slabs, version" },
};
