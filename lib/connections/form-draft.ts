/**
 * The connection form's editable state as flat text fields, and the conversions between it and a profile's
 * settings object (each kind's own in `lib/kinds/`). Pure: the form (a client component) uses it, and the server validates what it builds
 * with the driver's own settings schema.
 */
import type { DriverKind } from "../drivers/types";
import { kindOf } from "../kinds";
import type { ParsedAddress } from "./parse-address";

export interface FormDraft {
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

export const EMPTY_DRAFT: FormDraft = {
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

type Settings = Record<string, unknown>;

export function draftFromSettings(kind: DriverKind, settings: Settings): FormDraft {
  return { ...EMPTY_DRAFT, ...kindOf(kind).draftFromSettings(settings) };
}

export function draftFromParsed(parsed: ParsedAddress): FormDraft {
  return draftFromSettings(parsed.kind, parsed.settings);
}

export function settingsFromDraft(kind: DriverKind, draft: FormDraft): Settings {
  return kindOf(kind).settingsFromDraft(draft);
}
