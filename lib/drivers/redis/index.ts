/** The Redis kinds (standalone, Sentinel, Cluster): what the registry needs to offer and build them. */
export { createRedisClusterDriver, createRedisDriver, createRedisSentinelDriver } from "./driver";
export {
  redisCapabilities,
  redisClusterCapabilities,
  redisClusterSettingsSchema,
  redisSentinelCapabilities,
  redisSentinelSettingsSchema,
  redisSettingsSchema,
  redisWithDatabase,
} from "./settings";
