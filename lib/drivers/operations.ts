/**
 * The parts of the driver contract (`types.ts`) that are a whole interface of their own: collection edits,
 * the console's raw access and keyspace notifications. A driver offers each where its backend can.
 */
import type { ConsoleValue, ReplyLimits } from "../wire/console";

/**
 * Collection edits take what the editor saw as `expect`: the `valueDigest` of a field value or list element
 * (`ABSENT_DIGEST` for a field that must not exist yet), or a member's score (null: must not be a member).
 * The check and the change are one atomic server step; a mismatch throws a `ConflictError` carrying the
 * stored version, and nothing is written. Without `expect` the edit is unconditional.
 */
export interface CollectionOps {
  /** `replaces`: the field this edit renames, removed in the same step when it still holds what was seen. */
  hashSet(
    key: Buffer,
    field: Buffer,
    value: Buffer,
    options?: { ifAbsent?: boolean; expect?: string; replaces?: { field: Buffer; expect?: string } },
  ): Promise<void>;
  /** `expect`: the digest of each field's value, same order as `fields`. */
  hashDelete(key: Buffer, fields: Buffer[], options?: { expect?: string[] }): Promise<number>;
  listSet(key: Buffer, index: number, value: Buffer, options?: { expect?: string }): Promise<void>;
  /** Removes the element at `index` when its digest is still `expect` (LREM cannot tell equal elements apart). */
  listRemoveAt(key: Buffer, index: number, expect: string): Promise<void>;
  listPush(key: Buffer, values: Buffer[], end: "head" | "tail"): Promise<number>;
  listInsert(key: Buffer, pivot: Buffer, value: Buffer, where: "before" | "after"): Promise<number>;
  /** Removes `count` occurrences (0 = all, negative = from the tail), like LREM. */
  listRemove(key: Buffer, value: Buffer, count: number): Promise<number>;
  /** `replaces`: the member this edit renames, removed in the same step; a CONFLICT when it is already gone. */
  setAdd(key: Buffer, members: Buffer[], options?: { replaces?: Buffer }): Promise<number>;
  setRemove(key: Buffer, members: Buffer[]): Promise<number>;
  /**
   * `expect`: each member's score as seen, same order as `members` (null: not a member yet). `replaces`: the
   * member this edit renames, removed in the same step when its score is still what was seen.
   */
  zsetAdd(
    key: Buffer,
    members: { member: Buffer; score: number }[],
    options?: { expect?: (number | null)[]; replaces?: { member: Buffer; expect?: number } },
  ): Promise<number>;
  /** `expect`: each member's score as seen, same order as `members`. */
  zsetRemove(key: Buffer, members: Buffer[], options?: { expect?: number[] }): Promise<number>;
  /** `id` "*" lets the server choose; returns the entry id. */
  streamAdd(key: Buffer, id: string, fields: { field: Buffer; value: Buffer }[]): Promise<string>;
  streamDelete(key: Buffer, ids: string[]): Promise<number>;
  /** Creates a collection key with initial content (type chosen by the call). */
  create(
    key: Buffer,
    content:
      | { type: "hash"; entries: { field: Buffer; value: Buffer }[] }
      | { type: "list"; items: Buffer[] }
      | { type: "set"; members: Buffer[] }
      | { type: "zset"; members: { member: Buffer; score: number }[] }
      | { type: "stream"; fields: { field: Buffer; value: Buffer }[] },
    options?: { ttlMs?: number | null; ifAbsent?: boolean },
  ): Promise<void>;
}

export interface ConsoleRunOptions {
  /** The key whose server should answer (cluster slot, memcached pool member); none: any one server. */
  routeKey?: Buffer | null;
  limits: ReplyLimits;
  /** After the reply, keep reading push messages this long (SUBSCRIBE, MONITOR), then close. */
  collectMs?: number;
}

/** The command console's raw access, in the backend's own protocol (see lib/server/console). */
export interface ConsoleRunner {
  /** Runs one command given as its words; the reply is typed and cut to the limits. `node`: who answered. */
  run(args: Buffer[], options: ConsoleRunOptions): Promise<{ reply: ConsoleValue; node: string | null }>;
}

/** Hears keys appear and disappear on the server (`Driver.watchKeyspace`). */
export interface KeyspaceListener {
  onChange(change: "added" | "removed", key: Buffer): void;
  /** The stream stopped (asked to, or its connection went): changes after this are not heard. */
  onEnd(reason: string): void;
}

export type KeyspaceWatch = { live: true; stop(): void } | { live: false; reason: string };
