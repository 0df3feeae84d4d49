import { pymemcacheFlags } from "../codecs/edit/new-value";
import { clean, int, lines, nodesText, str, username } from "./draft-fields";
import { REDIS_STATS, type KindDescriptor } from "./types";

export const memcached: KindDescriptor = {
  kind: "memcached",
  label: "Memcached",
  secretNames: ["password"],
  usernameHint: "For servers started with -Y.",
  tls: false,
  draftFromSettings: (settings) => ({ username: str(settings.username), addresses: nodesText(settings.servers), maxItemBytes: str(settings.maxItemBytes) }),
  settingsFromDraft: (draft) => clean({ servers: lines(draft.addresses), username: username(draft), maxItemBytes: int(draft.maxItemBytes) }),
  // pymemcache (Django's memcached backend) sets 1 pickle, 2 int, 4 long, 8 zlib, 16 text; 0 says nothing.
  valueHints: (flags) => (flags === undefined ? {} : { memcachedFlags: flags }),
  newValueFlags: pymemcacheFlags,
  keySchemes: true,
  firstLevelScheme: null,
  stats: REDIS_STATS,
  console: { dialect: "memcached", placeholder: "get key — or mg key v t f, stats slabs, version" },
};
