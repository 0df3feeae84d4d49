/** The memcached kind: what the registry needs to offer and build it. */
export { createMemcachedDriver } from "./driver";
export { memcachedCapabilities, memcachedSettingsSchema } from "./settings";
