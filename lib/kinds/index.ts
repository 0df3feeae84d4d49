/** The backend kinds Cacheboard knows, each described once (see `types.ts`). Pure and client-safe. */
import type { DriverKind } from "../drivers/types";
import { memcached } from "./memcached";
import { redis } from "./redis";
import { redisCluster } from "./redis-cluster";
import { redisSentinel } from "./redis-sentinel";
import type { KindDescriptor } from "./types";
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

export function kindLabel(kind: string): string {
  return (DESCRIPTORS as Record<string, KindDescriptor | undefined>)[kind]?.label ?? kind;
}
