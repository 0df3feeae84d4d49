/**
 * The choices a connection profile offers whatever its kind: the environment it belongs to (and that
 * environment's colour) and the value format it prefers. Everything that differs per backend kind is in that
 * kind's descriptor (`lib/kinds/`). Pure, so client components import it too.
 */
export const ENVIRONMENT_NAMES = ["development", "staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** The environments in the order the sidebar groups connections: production first. */
export const ENVIRONMENTS = ["production", "staging", "development"] as const satisfies readonly EnvironmentName[];

/** Colour of the environment tag when the profile sets none. */
export const ENVIRONMENT_COLORS: Record<EnvironmentName, string> = {
  development: "#10b981",
  staging: "#f59e0b",
  production: "#ef4444",
};

/** What a profile may set as its scan pace (lib/connections/scan-pace.ts): keys per SCAN call and the pause between calls. */
export const SCAN_COUNT_RANGE = { min: 10, max: 100_000 } as const;
export const SCAN_PAUSE_RANGE = { min: 0, max: 10_000 } as const;

export const VALUE_FORMATS = ["auto", "pickle", "json", "msgpack", "repr", "counter", "int64", "text", "binary"] as const;
export type PreferredFormat = (typeof VALUE_FORMATS)[number];
