/** The Redis kinds (standalone, Sentinel, Cluster): what the registry needs to offer and build them. */
export { createRedisClusterDriver, createRedisDriver, createRedisSentinelDriver, RedisDriver } from "./driver";
export {
  redisCapabilities,
  redisClusterSettingsSchema,
  redisSentinelSettingsSchema,
  redisSettingsSchema,
  type RedisClusterSettings,
  type RedisSecrets,
  type RedisSentinelSettings,
  type RedisSettings,
} from "./settings";
