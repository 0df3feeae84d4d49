import { clean, lines, node, nodesText, str, tlsDraft, tlsSettings, username } from "./draft-fields";
import { REDIS_COMMON } from "./redis";
import { redisClusterSettingsSchema, type RedisClusterSettings, redisClusterCapabilities } from "../drivers/redis/settings";
import { PASSWORD, TLS_KEY, type KindDescriptor } from "./types";

export const redisCluster: KindDescriptor<RedisClusterSettings> = {
  ...REDIS_COMMON,
  kind: "redis-cluster",
  capabilities: () => redisClusterCapabilities,
  label: "Redis Cluster",
  settings: redisClusterSettingsSchema,
  secrets: [PASSWORD, TLS_KEY],
  draftFromSettings: (settings) => ({ ...tlsDraft(settings), username: str(settings.username), addresses: nodesText(settings.nodes) }),
  settingsFromDraft: (draft) => clean({ nodes: lines(draft.addresses).map((a) => node(a, 6379)), username: username(draft), tls: tlsSettings(draft) }),
};
