/** The uWSGI kind: what the registry needs to offer and build it. */
export { createUwsgiDriver } from "./driver";
export { UWSGI_COUNTER_NOTICE, uwsgiCapabilities, uwsgiSettingsSchema, type UwsgiSettings } from "./settings";
