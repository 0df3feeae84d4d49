/**
 * The messages between the app and the thread its tree walks run in (./tree-worker.ts, started by
 * ./tree-walker.ts). Everything here survives a structured clone: trees travel packed (`PackedTree`), their typed arrays transferred.
 */
import type { DriverConfig } from "../../drivers/registry";
import type { DriverKind } from "../../drivers/types";
import type { PackedTree } from "../../keyspace/tree";

export interface WalkRequest {
  type: "walk";
  id: number;
  /** The connection's driver config: the walk opens a driver of its own from it. */
  config: DriverConfig;
  /** The tree's options, as the main thread would build it. */
  tree: { delimiter: string; kind: DriverKind; maxRootChildren: number; maxChildren: number };
  pace: { count: number; pauseMs: number; sampleEvery: number };
  /** Only the keys under this prefix. */
  prefix?: Uint8Array;
}

export type ToWalker = WalkRequest | { type: "cancel"; id: number };

export type FromWalker =
  /** The thread runs; `priority` says why its priority could not be lowered, null when it was. */
  | { type: "ready"; priority: string | null }
  /** A page was folded in; `tree` comes now and then, not with every page. `gentle`: the walk asks for fewer keys per call, the server being busy. */
  | { type: "page"; id: number; scanned: number; gentle: boolean; tree?: PackedTree }
  | { type: "done"; id: number; scanned: number; complete: boolean; tree: PackedTree }
  /** `error` is null for an unexpected failure (logged by the thread). */
  | { type: "failed"; id: number; error: { code: string; message: string } | null; tree: PackedTree };
