/** The Redis kinds' driver factories, for the registry (their settings and capabilities: `settings.ts`, read by `lib/kinds/`). */
export { createRedisClusterDriver, createRedisDriver, createRedisSentinelDriver } from "./driver";
export { redisWithDatabase } from "./settings";
