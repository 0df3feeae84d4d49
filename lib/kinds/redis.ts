import { clean, int, str, tlsDraft, tlsSettings, username } from "./draft-fields";
import { redisCapabilities, redisSettingsSchema, type RedisSettings } from "../drivers/redis/settings";
import { PASSWORD, REDIS_STATS, TLS_KEY, type KindDescriptor } from "./types";

/** Redis fields and behaviour shared by the standalone, Sentinel and Cluster kinds. */
export const REDIS_COMMON = {
  usernameHint: "ACL user (Redis 6+); empty for the default user.",
  tls: true,
  valueHints: () => ({}),
  newValueFlags: () => undefined,
  keySchemes: true,
  dumpFlagsPrefix: false,
  pacedScan: true,
  firstLevelScheme: null,
  stats: REDIS_STATS,
  capabilities: () => redisCapabilities,
  console: { dialect: "redis", placeholder: "GET key — Tab completes, ↑ recalls" },
} satisfies Partial<KindDescriptor>;

export const redis: KindDescriptor<RedisSettings> = {
  ...REDIS_COMMON,
  kind: "redis",
  label: "Redis",
  settings: redisSettingsSchema,
  secrets: [PASSWORD, TLS_KEY],
  draftFromSettings: (settings) => ({
    ...tlsDraft(settings),
    username: str(settings.username),
    host: str(settings.host) || "127.0.0.1",
    port: str(settings.port) || "6379",
    db: str(settings.db) || "0",
  }),
  settingsFromDraft: (draft) =>
    clean({ host: draft.host.trim(), port: int(draft.port), db: int(draft.db), username: username(draft), tls: tlsSettings(draft) }),
};
