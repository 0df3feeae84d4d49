import { clean, int, lines, node, nodesText, str, tlsDraft, tlsSettings, username } from "./draft-fields";
import { REDIS_COMMON } from "./redis";
import { redisSentinelSettingsSchema, type RedisSentinelSettings, redisSentinelCapabilities } from "../drivers/redis/settings";
import { PASSWORD, TLS_KEY, type KindDescriptor } from "./types";

export const redisSentinel: KindDescriptor<RedisSentinelSettings> = {
  ...REDIS_COMMON,
  kind: "redis-sentinel",
  capabilities: () => redisSentinelCapabilities,
  label: "Redis Sentinel",
  settings: redisSentinelSettingsSchema,
  secrets: [PASSWORD, { name: "sentinelPassword", label: "Sentinel password", section: "auth" }, TLS_KEY],
  draftFromSettings: (settings) => ({
    ...tlsDraft(settings),
    username: str(settings.username),
    masterName: str(settings.masterName),
    addresses: nodesText(settings.sentinels),
    db: str(settings.db) || "0",
    sentinelUsername: str(settings.sentinelUsername),
    sentinelTls: settings.sentinelTls === true,
  }),
  settingsFromDraft: (draft) =>
    clean({
      masterName: draft.masterName.trim(),
      sentinels: lines(draft.addresses).map((a) => node(a, 26379)),
      db: int(draft.db),
      username: username(draft),
      sentinelUsername: draft.sentinelUsername.trim() || undefined,
      tls: tlsSettings(draft),
      sentinelTls: draft.tls ? draft.sentinelTls : undefined,
    }),
};
