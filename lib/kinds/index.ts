/** The backend kinds Cacheboard knows, each described once (see `types.ts`). Pure and client-safe. */
import type { DriverKind } from "../drivers/types";
import { memcached } from "./memcached";
import { redis } from "./redis";
import { redisCluster } from "./redis-cluster";
import { redisSentinel } from "./redis-sentinel";
import { EMPTY_SETTINGS_DRAFT, type SettingsDraft } from "./draft";
import type { KindDescriptor, Settings } from "./types";
import { uwsgi } from "./uwsgi";

const DESCRIPTORS: Record<DriverKind, KindDescriptor> = {
  redis,
  "redis-sentinel": redisSentinel,
  "redis-cluster": redisCluster,
  memcached,
  uwsgi,
};

/** In the order the connection form offers them. */
export const KINDS: readonly KindDescriptor[] = Object.values(DESCRIPTORS);

export const KIND_NAMES = Object.keys(DESCRIPTORS) as [DriverKind, ...DriverKind[]];

export function kindOf(kind: DriverKind): KindDescriptor {
  return DESCRIPTORS[kind];
}

/** The descriptor of a kind named by stored data (an audit snapshot, a profile row), which may name none. */
export function kindNamed(kind: string): KindDescriptor | undefined {
  return Object.hasOwn(DESCRIPTORS, kind) ? DESCRIPTORS[kind as DriverKind] : undefined;
}

export function kindLabel(kind: string): string {
  return kindNamed(kind)?.label ?? kind;
}

/**
 * A profile's settings parsed by its kind's schema, defaults filled in: the one place settings are validated
 * (the profile input on save, `createDriver` when a driver is built from a stored profile).
 */
export function parseSettings(kind: DriverKind, settings: unknown): ReturnType<KindDescriptor["settings"]["safeParse"]> {
  return DESCRIPTORS[kind].settings.safeParse(settings);
}

/** The form's fields for a kind's stored settings (the fields the kind does not use keep their defaults). */
export function draftFromSettings(kind: DriverKind, settings: Settings): SettingsDraft {
  return { ...EMPTY_SETTINGS_DRAFT, ...DESCRIPTORS[kind].draftFromSettings(settings) };
}

export function settingsFromDraft(kind: DriverKind, draft: SettingsDraft): Settings {
  return DESCRIPTORS[kind].settingsFromDraft(draft);
}
