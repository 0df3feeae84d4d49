/** The memcached kind's driver factory, for the registry (its settings and capabilities: `settings.ts`, read by `lib/kinds/`). */
export { createMemcachedDriver } from "./driver";
