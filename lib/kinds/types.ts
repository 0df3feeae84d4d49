import type { z } from "zod";
import type { NewValueFormat } from "../codecs/edit/new-value";
import type { DetectHints } from "../codecs/value";
import type { Capabilities, DriverKind } from "../drivers/types";
import type { SettingsDraft } from "./draft";

export type Settings = Record<string, unknown>;

/** A secret a kind's driver reads from the profile, and where the connection form asks for it. */
export interface KindSecret {
  name: string;
  label: string;
  section: "auth" | "tls";
  /** A PEM block rather than a password: a multi-line field. */
  multiline?: boolean;
}

/**
 * Everything the app knows about one kind of backend apart from its driver, in one place: the settings a
 * profile holds (the schema that parses them, once, for the profile input and for `createDriver`), what a
 * driver can do with them, what the connection form shows and how its fields become settings, which secrets
 * the driver reads, how the backend's per-item flags are read, and what its statistics are called. Code that
 * would branch on the kind asks the descriptor instead; a new Redis- or memcached-compatible server is a new
 * file here, plus its driver folder and line in `lib/drivers/registry.ts`, and its form section in
 * `components/connections/kind-sections.tsx`. Pure and client-safe.
 */
export interface KindDescriptor<S extends Settings = Settings> {
  kind: DriverKind;
  label: string;
  /** What a profile of this kind holds; parsed once, filling in the defaults, before anything uses it. */
  settings: z.ZodType<S>;
  /** What a driver of this kind can do with these settings, known before connecting. */
  capabilities(settings: S): Capabilities;
  /** The secrets the driver reads from the profile, in the form's order; anything else is dropped on save. */
  secrets: readonly KindSecret[];
  /** What the form says under the username; null when the kind has no username (and no secrets). */
  usernameHint: string | null;
  /** The form offers TLS settings. */
  tls: boolean;
  /** The form fields this kind fills in, from stored settings (the rest keep their defaults). */
  draftFromSettings(settings: Settings): Partial<SettingsDraft>;
  /** The settings object the driver's schema validates, from the form's fields. */
  settingsFromDraft(draft: SettingsDraft): Settings;
  /**
   * What the backend's per-item flags word says about a value, for format detection: pymemcache's
   * serializer flags on memcached, uWSGI's math flag (and its 8-byte counters).
   */
  valueHints(flags: number | undefined): DetectHints;
  /** The flags word to store with a new value written in `format`, so the app's client reads it as that type. */
  newValueFlags(format: NewValueFormat): number | undefined;
  /** Key names carry library schemes (Django, Litestar…); a uWSGI cache's names are the app's own. */
  keySchemes: boolean;
  /**
   * Walks of the whole keyspace go at the profile's scan pace (keys per call, a pause between calls; see
   * lib/connections/scan-pace.ts), because each call is work the server does while its other clients wait
   * (Redis SCAN). False where the listing reads the server's own dump in one go at the server's speed
   * (memcached metadump, uWSGI's item table): pausing between pages there only slows Cacheboard, and the
   * form does not offer the setting.
   */
  pacedScan: boolean;
  /**
   * The driver's `dump` payload (audit snapshots, undo) is the 4-byte big-endian flags word followed by the
   * value itself (memcached), so the audit page shows the value after it; false where the payload is opaque
   * (a Redis DUMP) or the kind has no dump.
   */
  dumpFlagsPrefix: boolean;
  /** What the first level of the namespace tree is, when the backend gives it a meaning (uWSGI: one cache each). */
  firstLevelScheme: string | null;
  /** The command console: which command language it speaks (lib/server/console) and what its prompt suggests. */
  console: { dialect: "redis" | "memcached" | "uwsgi"; placeholder: string };
  /** Names of the figures on the statistics pages. */
  stats: {
    ops: string;
    /** The overview card's shorter label. */
    opsShort: string;
    opsTitle: string;
    opsSeries: string;
    /** The overview card's label for evictions. */
    evictionsShort: string;
    evictionsTitle: string;
    /** Small print under evictions when the count means something else than eviction. */
    evictionsNote: string | null;
    /** Shown for the memory limit when the server reports none; null: the backend does not report it. */
    noMemoryMax: string | null;
    /** Why a figure is missing, given whether a stats server is configured; null when nothing is missing. */
    missing(hasStatsServer: boolean): string | null;
  };
}

export const PASSWORD: KindSecret = { name: "password", label: "Password", section: "auth" };
export const TLS_KEY: KindSecret = { name: "tlsKey", label: "TLS client key (PEM)", section: "tls", multiline: true };

export const REDIS_STATS: KindDescriptor["stats"] = {
  ops: "Operations",
  opsShort: "Ops",
  opsTitle: "Operations per second",
  opsSeries: "ops",
  evictionsShort: "Evictions",
  evictionsTitle: "Evictions per second",
  evictionsNote: null,
  noMemoryMax: "unlimited",
  missing: () => null,
};
