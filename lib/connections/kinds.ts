/**
 * What the connection form and the server agree on, without importing any driver: secret labels,
 * environments and value formats (the kinds themselves
 * are described in `lib/kinds/`). Pure, so client components import it too.
 */
export const SECRET_LABELS: Record<string, string> = {
  password: "Password",
  sentinelPassword: "Sentinel password",
  tlsKey: "TLS client key (PEM)",
};

export const ENVIRONMENT_NAMES = ["development", "staging", "production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Colour of the environment tag when the profile sets none. */
export const ENVIRONMENT_COLORS: Record<EnvironmentName, string> = {
  development: "#10b981",
  staging: "#f59e0b",
  production: "#ef4444",
};

export const VALUE_FORMATS = ["auto", "pickle", "json", "msgpack", "repr", "counter", "int64", "text", "binary"] as const;
