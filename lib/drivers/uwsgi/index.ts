/** The uWSGI kind: what the registry needs to offer and build it. */
export { createUwsgiDriver } from "./driver";
export { uwsgiCapabilities, uwsgiSettingsSchema } from "./settings";
