/** What the namespace tree endpoints answer; shared by the route handlers and the tree view. */
import type { ErrorCode } from "./errors";

export interface TreeNodeView {
  /** base64url of the node's prefix, delimiter included (`LITESTAR:`), so siblings such as `LITESTARX:` never match. */
  prefix: string;
  /** The segment shown for this node. */
  label: string;
  /** The segment holds invisible or bidi characters, shown escaped in `label`. */
  hidden: boolean;
  /** Scheme recognised for the prefix (`Django v1`, `Litestar namespace`…), if any. */
  scheme: string | null;
  count: number;
  /** Estimated bytes of the values under the node, from the described sample; null when none was described. */
  size: number | null;
  /** Estimated keys without an expiry, from the sample; null when no TTL was read. */
  noTtl: number | null;
  /** Sizes and TTL shares are extrapolated from a sample of the keys rather than read for each. */
  sampled: boolean;
  /** Namespaces below this one in the index (more may be folded into `overflow`). */
  childCount: number;
  /** Keys under namespaces the index stopped making at this level (too many siblings). */
  overflow: number;
}

interface TreeScanView {
  scanned: number;
  /** Keys in the database when the scan started; null when the backend cannot say. */
  total: number | null;
  startedAt: number;
  /** The server is busy (its command thread used a quarter of a core or more lately), so the scan asks for a quarter of its keys per call. */
  gentle: boolean;
}

export interface TreeState {
  /** Identifies the tree shown; a rescan's result gets a new one when it replaces the old. */
  generation: number;
  /** Bumped by every change to the shown tree; ask with `since` for the first-level nodes changed after it. */
  version: number;
  /** When the shown tree's scan finished; null while the first scan still runs. */
  scannedAt: number | null;
  /** How the last scan ended: a cancelled first scan leaves a partial tree. */
  outcome: "running" | "done" | "cancelled" | "error";
  /** The running scan (first scan or rescan), if any. */
  scan: TreeScanView | null;
  error: { code: ErrorCode; message: string } | null;
  /** Keys in the shown tree and those outside any namespace. */
  count: number;
  ungrouped: number;
  /** Keys in first-level namespaces the index did not make (more than it holds). */
  overflow: number;
  /** One key in this many had its size and TTL read (1: all of them, listed for free). */
  sampleEvery: number;
  /** The server's keyspace notifications keep the counts current between scans. */
  live: boolean;
  /** Why the counts are not kept live (notifications off, subscription lost, drift), when known. */
  liveNote: string | null;
  /** First-level namespaces in the index. */
  rootCount: number;
  /** True when `roots` is the whole first level (biggest first, up to the limit), false when only what changed. */
  full: boolean;
  roots: TreeNodeView[];
}

export interface TreeChildren {
  generation: number;
  version: number;
  prefix: string;
  /** Children matching the filter, before paging. */
  total: number;
  children: TreeNodeView[];
  overflow: number;
  /** Keys whose namespace is exactly this prefix. */
  direct: number;
  /** A prefix-scoped scan is filling in this level (it had more children than the index keeps). */
  filling: boolean;
}
