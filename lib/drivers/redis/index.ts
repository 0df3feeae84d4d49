/** The Redis kinds (standalone, Sentinel, Cluster): what the registry needs to offer and build them. */
export { createRedisClusterDriver, createRedisDriver, createRedisSentinelDriver } from "./driver";
export { redisCapabilities, redisClusterSettingsSchema, redisSentinelSettingsSchema, redisSettingsSchema } from "./settings";
