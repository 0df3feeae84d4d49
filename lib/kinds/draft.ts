/**
 * The connection form's fields for a kind's settings, as flat text (what a person types), shared by every
 * kind: each descriptor fills in the fields it uses from stored settings and builds its settings from them.
 * Pure and client-safe.
 */
export interface SettingsDraft {
  host: string;
  port: string;
  db: string;
  username: string;
  /** Sentinels, cluster nodes or memcached servers: one `host:port` per line (commas also accepted). */
  addresses: string;
  masterName: string;
  sentinelUsername: string;
  sentinelTls: boolean;
  tls: boolean;
  tlsVerify: boolean;
  tlsCa: string;
  tlsCert: string;
  tlsServername: string;
  maxItemBytes: string;
  uwsgiAddress: string;
  uwsgiStatsAddress: string;
  /** uWSGI caches without a stats server: `name` or `name keysize blocksize` per line. */
  uwsgiCaches: string;
}

export const EMPTY_SETTINGS_DRAFT: SettingsDraft = {
  host: "127.0.0.1",
  port: "6379",
  db: "0",
  username: "",
  addresses: "",
  masterName: "",
  sentinelUsername: "",
  sentinelTls: false,
  tls: false,
  tlsVerify: true,
  tlsCa: "",
  tlsCert: "",
  tlsServername: "",
  maxItemBytes: "",
  uwsgiAddress: "",
  uwsgiStatsAddress: "",
  uwsgiCaches: "",
};
