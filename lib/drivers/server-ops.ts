/**
 * The server's own diagnostics, as a driver offers them for the Server tab (`Driver.server`). Which views a
 * backend has is `capabilities.serverViews`; asking for another one answers `UNSUPPORTED`. Every call runs
 * under the profile's timeout, like the driver's other calls.
 */
import type { DatabasesReply, KeyNodeAnswer, NodeChoice, ServerView, ServerViewReply } from "../wire/server";

export interface ServerViewOptions {
  /** `host:port` of the node a per-node view reads (Redis Cluster); the first primary when absent. */
  node?: string;
}

export interface ServerOps {
  /** The nodes a per-node view can be pointed at; empty where there is only one server to ask. */
  nodeChoices(): Promise<NodeChoice[]>;
  view(view: ServerView, options?: ServerViewOptions): Promise<ServerViewReply>;
  /** SLOWLOG RESET (`capabilities.serverViews` has "slowlog"). */
  resetSlowlog?(options?: ServerViewOptions): Promise<void>;
  /** CLIENT KILL ID; false when no such client was connected (`capabilities.serverViews` has "clients"). */
  killClient?(id: string, options?: ServerViewOptions): Promise<boolean>;
  /** CLUSTER KEYSLOT and the slot map (`capabilities.serverViews` has "nodes"). */
  keyNode?(key: Buffer): Promise<KeyNodeAnswer>;
  /** The server's databases with their key counts (`capabilities.databases`). */
  databases?(): Promise<DatabasesReply>;
}
