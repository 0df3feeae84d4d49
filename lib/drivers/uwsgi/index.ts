/** The uWSGI kind's driver factory, for the registry (its settings and capabilities: `settings.ts`, read by `lib/kinds/`). */
export { createUwsgiDriver } from "./driver";
