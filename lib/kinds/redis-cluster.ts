import { clean, lines, node, nodesText, str, tlsDraft, tlsSettings, username } from "./draft-fields";
import { REDIS_COMMON } from "./redis";
import type { KindDescriptor } from "./types";

export const redisCluster: KindDescriptor = {
  ...REDIS_COMMON,
  kind: "redis-cluster",
  label: "Redis Cluster",
  secretNames: ["password", "tlsKey"],
  draftFromSettings: (settings) => ({ ...tlsDraft(settings), username: str(settings.username), addresses: nodesText(settings.nodes) }),
  settingsFromDraft: (draft) => clean({ nodes: lines(draft.addresses).map((a) => node(a, 6379)), username: username(draft), tls: tlsSettings(draft) }),
};
