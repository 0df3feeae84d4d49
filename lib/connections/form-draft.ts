/**
 * The connection form's whole draft as one state: the profile's own fields, its kind with that kind's
 * settings as the form's text fields (`SettingsDraft`: each descriptor in `lib/kinds/` fills in and reads
 * its own), and the secrets typed so far. Pure: the form runs `profileDraftReducer` in `useReducer`, and the
 * server validates what `profileFromDraft` builds with the kind's schema.
 */
import { DEFAULT_TIMEOUT_MS } from "../drivers/limits";
import type { DriverKind } from "../drivers/types";
import { draftFromSettings, kindOf, settingsFromDraft } from "../kinds";
import { EMPTY_SETTINGS_DRAFT, type SettingsDraft } from "../kinds/draft";
import type { PublicProfile } from "./load";
import type { ParsedAddress } from "./parse-address";
import type { EnvironmentName, PreferredFormat } from "./profile-options";

export interface ProfileDraft {
  name: string;
  kind: DriverKind;
  settings: SettingsDraft;
  /** Secret changes: absent keeps the stored secret, `""` clears it, text replaces it. */
  secrets: Record<string, string | undefined>;
  environment: EnvironmentName;
  /** Null: the environment's colour. */
  color: string | null;
  readOnly: boolean;
  /** As typed; the server checks the range. */
  timeoutMs: string;
  keyDelimiter: string;
  defaultFormat: PreferredFormat;
  formatOverrides: { prefix: string; format: PreferredFormat }[];
  /** Deny-listed console commands this profile opens to admins, as typed (comma- or line-separated). */
  consoleAllow: string;
  /** The scan pace (./scan-pace.ts) as typed: keys per SCAN call and the pause between calls in ms; "" is the default. */
  scanCount: string;
  scanPauseMs: string;
}

/** The fields an input sets whole. */
type ProfileField = "name" | "environment" | "color" | "readOnly" | "timeoutMs" | "keyDelimiter" | "defaultFormat" | "consoleAllow" | "scanCount" | "scanPauseMs";

export type ProfileDraftAction =
  | { [K in ProfileField]: { type: "field"; field: K; value: ProfileDraft[K] } }[ProfileField]
  | { [K in keyof SettingsDraft]: { type: "setting"; field: K; value: SettingsDraft[K] } }[keyof SettingsDraft]
  /** Another kind: its fields keep what was typed, so switching back and forth loses nothing. */
  | { type: "kind"; kind: DriverKind }
  | { type: "secret"; name: string; value: string | undefined }
  /** A pasted URL or server list: its kind and settings replace the draft's, its secrets join the typed ones. */
  | { type: "pasted"; parsed: ParsedAddress }
  | { type: "addOverride" }
  | { type: "override"; index: number; prefix?: string; format?: PreferredFormat }
  | { type: "removeOverride"; index: number };

/** The action that sets one of the kind's fields (the union spelled out for one field, which TypeScript cannot infer). */
export function setting<K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]): ProfileDraftAction {
  return { type: "setting", field, value } as ProfileDraftAction;
}

/** What the form edits: a profile as the browser may see it (managed profiles never reach the form). */
type EditableProfile = Omit<PublicProfile, "managed">;

export function initialProfileDraft(profile: EditableProfile | undefined, pasted: ParsedAddress | null): ProfileDraft {
  const kind = profile?.kind ?? pasted?.kind ?? "redis";
  return {
    name: profile?.name ?? "",
    kind,
    settings: profile ? draftFromSettings(profile.kind, profile.settings) : pasted ? draftFromSettings(pasted.kind, pasted.settings) : EMPTY_SETTINGS_DRAFT,
    secrets: {},
    environment: (profile?.environment as EnvironmentName | undefined) ?? "development",
    color: profile?.color ?? null,
    readOnly: profile?.readOnly ?? false,
    timeoutMs: String(profile?.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    keyDelimiter: profile?.keyDelimiter ?? ":",
    defaultFormat: (profile?.defaultFormat as PreferredFormat | undefined) ?? "auto",
    formatOverrides: (profile?.formatOverrides ?? []).map((o) => ({ prefix: o.prefix, format: o.format as PreferredFormat })),
    consoleAllow: (profile?.consoleAllow ?? []).join(", "),
    scanCount: profile?.scanCount == null ? "" : String(profile.scanCount),
    scanPauseMs: profile?.scanPauseMs == null ? "" : String(profile.scanPauseMs),
  };
}

export function profileDraftReducer(draft: ProfileDraft, action: ProfileDraftAction): ProfileDraft {
  switch (action.type) {
    case "field":
      return { ...draft, [action.field]: action.value };
    case "setting":
      return { ...draft, settings: { ...draft.settings, [action.field]: action.value } };
    case "kind":
      return { ...draft, kind: action.kind };
    case "secret":
      return { ...draft, secrets: { ...draft.secrets, [action.name]: action.value } };
    case "pasted":
      return {
        ...draft,
        kind: action.parsed.kind,
        settings: draftFromSettings(action.parsed.kind, action.parsed.settings),
        secrets: { ...draft.secrets, ...action.parsed.secrets },
      };
    case "addOverride":
      return { ...draft, formatOverrides: [...draft.formatOverrides, { prefix: "", format: "json" }] };
    case "override":
      return {
        ...draft,
        formatOverrides: draft.formatOverrides.map((o, i) =>
          i === action.index ? { prefix: action.prefix ?? o.prefix, format: action.format ?? o.format } : o,
        ),
      };
    case "removeOverride":
      return { ...draft, formatOverrides: draft.formatOverrides.filter((_, i) => i !== action.index) };
  }
}

/** A pace field as typed: empty is the default (null); anything else goes to the server, which checks the range. */
function paceValue(typed: string): number | null {
  return typed.trim() === "" ? null : Number(typed);
}

/**
 * The profile the actions take: the kind's settings built from its fields, only the secrets the kind reads,
 * and a scan pace only for kinds whose walks are paced.
 */
export function profileFromDraft(draft: ProfileDraft) {
  const descriptor = kindOf(draft.kind);
  const secretNames = new Set(descriptor.secrets.map((secret) => secret.name));
  return {
    name: draft.name.trim() || "unnamed",
    kind: draft.kind,
    settings: settingsFromDraft(draft.kind, draft.settings),
    secrets: Object.fromEntries(Object.entries(draft.secrets).filter(([name]) => secretNames.has(name))),
    readOnly: draft.readOnly,
    environment: draft.environment,
    color: draft.color,
    keyDelimiter: draft.keyDelimiter,
    defaultFormat: draft.defaultFormat,
    formatOverrides: draft.formatOverrides.filter((o) => o.prefix.trim()),
    timeoutMs: Number(draft.timeoutMs) || 0,
    consoleAllow: draft.consoleAllow
      .split(/[,\n]/)
      .map((command) => command.trim())
      .filter(Boolean),
    scanCount: descriptor.pacedScan ? paceValue(draft.scanCount) : null,
    scanPauseMs: descriptor.pacedScan ? paceValue(draft.scanPauseMs) : null,
  };
}
