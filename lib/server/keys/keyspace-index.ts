import "server-only";
import { isDriverError } from "../../drivers/errors";
import type { Driver, DriverKind } from "../../drivers/types";
import { keyText, keyToParam } from "../../wire/keys";
import { biggest, NamespaceTree, type NamespaceNode } from "../../keyspace";
import { kindOf } from "../../kinds";
import { walkInto } from "./tree-walker";
import type { DriverConfig } from "../../drivers/registry";
import type { ScanPace } from "../../connections/scan-pace";
import type { TreeChildren, TreeNodeView, TreeState } from "../../wire/tree";

/**
 * One namespace index per connection and delimiter, shared by every page load, tab and user of this
 * process: the first visit starts a scan, later visits read the index at once. A rescan builds a new tree
 * beside the old one and replaces it when done, so the tree never empties meanwhile. Changes made through
 * the app adjust the counts (see the `index…` functions below). Like the jobs of ./jobs, the registry lives
 * on globalThis and is per process: with several app processes, each keeps its own index.
 *
 * Memory grows with namespaces, not keys: the tree keeps counters per namespace, every first-level
 * namespace (up to MAX_ROOTS, beyond which the rest is counted as overflow and said so), and up to
 * MAX_CHILDREN per deeper level.
 */

/** Keyspaces up to this many keys get every key described during the tree scan, not one in `sampleEvery`. */
const DESCRIBE_ALL_UP_TO = 10_000;
/**
 * Above that, about this many keys are described in all (one in `total / SAMPLE_TARGET`, never more often
 * than the pace's `sampleEvery`): enough for the size and TTL share of any namespace holding a few percent
 * of the keys, and the describes stay a small share of the scan's own work at millions of keys.
 */
const SAMPLE_TARGET = 5_000;
const MAX_ROOTS = 200_000;
const MAX_CHILDREN = 2_000;
/** The cap per level of a prefix-scoped scan that fills in a level the index capped. */
const MAX_FILLED = 50_000;
/** First-level nodes sent in one full answer; the rest are reached by the children endpoint (filter, paging). */
const ROOTS_PER_ANSWER = 5_000;

interface Built {
  tree: NamespaceTree;
  generation: number;
  scannedAt: number | null;
  sampleEvery: number;
}

interface Running {
  built: Built;
  controller: AbortController;
  scanned: number;
  /** The scan asks for fewer keys per call, its server being busy (lib/connections/server-load.ts). */
  gentle: boolean;
  total: number | null;
  startedAt: number;
  /** Settles when the scan has ended, whichever way (see `scanEnded`). */
  ended: Promise<void>;
}

interface Index {
  connectionId: string;
  kind: DriverKind;
  /** Prefixes (base64url) whose capped level a prefix-scoped scan is filling in. */
  filling: Set<string>;
  current: Built | null;
  running: Running | null;
  outcome: TreeState["outcome"];
  error: TreeState["error"];
  /** The server's keyspace notifications keep `current` up to date (see `watchIndex`). */
  watch: { stop(): void } | null;
  /** Why the index is not kept live, when it is not. */
  liveNote: string | null;
}

const holder = globalThis as unknown as { cacheboardIndexes?: Map<string, Index>; cacheboardIndexGeneration?: number };
const indexes = (holder.cacheboardIndexes ??= new Map());

const slot = (connectionId: string, delimiter: string) => `${connectionId}\n${delimiter}`;

function nextGeneration(): number {
  holder.cacheboardIndexGeneration = (holder.cacheboardIndexGeneration ?? 0) + 1;
  return holder.cacheboardIndexGeneration;
}

/** The tree the pages show: the finished index, or the first scan's tree while it fills in. */
function shown(index: Index): Built | null {
  return index.current ?? index.running?.built ?? null;
}

/**
 * Makes sure the connection has an index: starts the first scan, or a rescan when asked and none runs.
 * Returns at once; the scan goes on in the background.
 */
export async function ensureIndex(options: {
  driver: Driver;
  /** What the walks' thread opens its own driver from (LoadedConnection.driverConfig); null walks on this thread. */
  config: DriverConfig | null;
  kind: DriverKind;
  connectionId: string;
  delimiter: string;
  /** The connection's scan pace (LoadedConnection.scanPace). */
  pace: ScanPace;
  rescan?: boolean;
}): Promise<void> {
  const key = slot(options.connectionId, options.delimiter);
  const existing = indexes.get(key);
  if (existing?.running) return;
  if (existing && !options.rescan && existing.current && existing.outcome !== "error") return;
  const index: Index = existing ?? {
    connectionId: options.connectionId,
    kind: options.kind,
    filling: new Set(),
    current: null,
    running: null,
    outcome: "running",
    error: null,
    watch: null,
    liveNote: null,
  };
  indexes.set(key, index);
  const { pace } = options;
  const settings = { delimiter: options.delimiter, kind: options.kind, maxRootChildren: MAX_ROOTS, maxChildren: MAX_CHILDREN };
  const tree = new NamespaceTree(settings);
  let ended = () => {};
  const running: Running = {
    built: { tree, generation: nextGeneration(), scannedAt: null, sampleEvery: pace.sampleEvery },
    controller: new AbortController(),
    scanned: 0,
    gentle: false,
    total: null,
    startedAt: Date.now(),
    ended: new Promise<void>((resolve) => (ended = resolve)),
  };
  index.running = running;
  index.outcome = "running";
  index.error = null;
  void (async () => {
    try {
      running.total = await options.driver.keyCount();
      // Sampling saves work on big keyspaces; a small one is described whole, so its sizes are exact.
      if (running.total !== null && !pace.sampleFixed) {
        running.built.sampleEvery = running.total <= DESCRIBE_ALL_UP_TO ? 1 : Math.max(pace.sampleEvery, Math.ceil(running.total / SAMPLE_TARGET));
      }
      const { complete } = await walkInto(tree, {
        driver: options.driver,
        config: options.config,
        settings,
        pace: { count: pace.count, pauseMs: pace.pauseMs, sampleEvery: running.built.sampleEvery },
        signal: running.controller.signal,
        onPage: (scanned, gentle) => {
          running.scanned = scanned;
          running.gentle = gentle;
        },
      });
      index.outcome = complete ? "done" : "cancelled";
      running.built.scannedAt = Date.now();
      // A cancelled rescan keeps the index it was to replace; a cancelled first scan leaves what it found.
      if (complete || !index.current) index.current = running.built;
      if (complete && !index.watch) await watchIndex(index, options.driver);
    } catch (error) {
      index.outcome = running.controller.signal.aborted ? "cancelled" : "error";
      if (index.outcome === "error") {
        index.error = isDriverError(error)
          ? { code: error.code, message: error.message }
          : { code: "INTERNAL", message: "Unexpected server error; the server log has the details." };
        if (!isDriverError(error)) console.error(error);
      }
      if (!index.current) {
        running.built.scannedAt = Date.now();
        index.current = running.built;
      }
    } finally {
      index.running = null;
      ended();
    }
  })();
}

/**
 * Waits until the connection's running scan ends, at most `ms` (or until `signal` aborts); at once when no
 * scan runs. The page's poll waits here, so a finished scan is shown the moment it finishes instead of at the
 * next poll, without polling more often.
 */
export async function scanEnded(connectionId: string, delimiter: string, ms: number, signal?: AbortSignal): Promise<void> {
  const running = indexes.get(slot(connectionId, delimiter))?.running;
  if (!running || ms <= 0 || signal?.aborted) return;
  let timer: NodeJS.Timeout | undefined;
  let stop = () => {};
  try {
    await Promise.race([
      running.ended,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ms);
        stop = resolve;
        signal?.addEventListener("abort", stop, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
}

/** Stops the connection's running scan; true when there was one. */
export function cancelScan(connectionId: string, delimiter: string): boolean {
  const running = indexes.get(slot(connectionId, delimiter))?.running;
  if (!running) return false;
  running.controller.abort();
  return true;
}

function view(built: Built, node: NamespaceNode, kind: DriverKind): TreeNodeView {
  const timed = node.ttl.none + node.ttl.underMinute + node.ttl.underHour + node.ttl.underDay + node.ttl.longer;
  return {
    prefix: keyToParam(node.prefix),
    label: node.label,
    hidden: keyText(node.segment).hidden,
    scheme: node.scheme ?? (node.depth === 1 ? kindOf(kind).firstLevelScheme : null),
    count: node.count,
    size: node.sized > 0 ? Math.round((node.bytes / node.sized) * node.count) : null,
    noTtl: timed > 0 ? Math.round((node.ttl.none / timed) * node.count) : null,
    sampled: built.sampleEvery > 1 && node.sized < node.count,
    childCount: node.children.size,
    overflow: node.overflow,
  };
}

/** Whether the connection has an index (finished or being built), without reading it. */
export function hasIndex(connectionId: string, delimiter: string): boolean {
  return indexes.has(slot(connectionId, delimiter));
}

/**
 * The index as the tree view needs it: status and the first level. With `since` (the generation and
 * version the page already has) only the first-level nodes changed after it, unless the tree was replaced
 * or lost a namespace meanwhile; then the whole first level again (its `most` biggest namespaces). Without
 * `withRoots`, only the status (no namespaces, `full` false). Null when the connection has no index.
 */
export function readIndex(
  connectionId: string,
  delimiter: string,
  since?: { generation: number; version: number },
  withRoots = true,
  most = ROOTS_PER_ANSWER,
): TreeState | null {
  const index = indexes.get(slot(connectionId, delimiter));
  if (!index) return null;
  const built = shown(index);
  const tree = built?.tree;
  const after = built && since && since.generation === built.generation && since.version >= built.tree.removedAt ? since.version : null;
  let roots: NamespaceNode[] = [];
  if (tree && withRoots) {
    // A poll of a tree that has not changed since (a rescan builds beside it) answers without looking at its nodes.
    if (after === null) roots = biggest(tree.root.children.values(), tree.root.children.size, most);
    else if (after < tree.version) roots = [...tree.root.children.values()].filter((node) => node.changed > after);
  }
  return {
    generation: built?.generation ?? 0,
    version: tree?.version ?? 0,
    scannedAt: built?.scannedAt ?? null,
    outcome: index.outcome,
    scan: index.running ? { scanned: index.running.scanned, total: index.running.total, startedAt: index.running.startedAt, gentle: index.running.gentle } : null,
    error: index.error,
    count: tree?.root.count ?? 0,
    ungrouped: tree?.root.direct ?? 0,
    overflow: tree?.root.overflow ?? 0,
    sampleEvery: built?.sampleEvery ?? 1,
    live: index.watch !== null,
    liveNote: index.liveNote,
    rootCount: tree?.root.children.size ?? 0,
    full: withRoots && after === null,
    roots: built ? roots.map((node) => view(built, node, index.kind)) : [],
  };
}

/** First-level namespaces a page renders with its HTML: about three screenfuls of the tree. */
const PAGE_ROOTS = 100;

/**
 * The index as a page renders it with its HTML, so a tree already scanned (by an earlier visit, another tab or
 * another user) is in the first paint: its biggest PAGE_ROOTS first-level namespaces, and the count of all of
 * them (the tree's "show more" row stands for the rest until the browser has read the whole level, at once
 * after hydration). Null when the connection has no index yet: reading never starts a scan, the browser's
 * first request does.
 */
export function readIndexForPage(connectionId: string, delimiter: string): TreeState | null {
  return readIndex(connectionId, delimiter, undefined, true, PAGE_ROOTS);
}

/**
 * One page of a namespace's children from the index, biggest first, optionally only those whose label
 * contains `filter` (case-insensitive). Null when there is no index or the index has no such namespace.
 */
export function readChildren(
  connectionId: string,
  delimiter: string,
  prefix: Uint8Array,
  page: { offset: number; limit: number; filter: string },
): TreeChildren | null {
  const index = indexes.get(slot(connectionId, delimiter));
  const built = index && shown(index);
  if (!index || !built) return null;
  const node = built.tree.find(prefix);
  if (!node) return null;
  const needle = page.filter.toLowerCase();
  const matching = [...node.children.values()].filter((child) => !needle || child.label.toLowerCase().includes(needle));
  return {
    generation: built.generation,
    version: built.tree.version,
    prefix: keyToParam(node.prefix),
    total: matching.length,
    children: biggest(matching, matching.length, page.offset + page.limit)
      .slice(page.offset)
      .map((child) => view(built, child, index.kind)),
    overflow: node.overflow,
    direct: node.direct,
    filling: index.filling.has(keyToParam(node.prefix)),
  };
}

/**
 * Where the index capped a namespace's children (too many to keep for every namespace), walks only the
 * keys under that prefix with a much higher cap and puts the complete level into the index. Returns at
 * once; false when there is nothing to fill (no index, no such namespace, or its level is complete).
 */
export function fillLevel(options: { driver: Driver; config: DriverConfig | null; connectionId: string; delimiter: string; pace: ScanPace; prefix: Buffer }): boolean {
  const index = indexes.get(slot(options.connectionId, options.delimiter));
  const built = index?.current;
  const node = built?.tree.find(options.prefix);
  if (!index || !built || !node || node.overflow === 0) return false;
  const param = keyToParam(options.prefix);
  if (index.filling.has(param)) return true;
  index.filling.add(param);
  const { pace } = options;
  const settings = { delimiter: options.delimiter, kind: index.kind, maxRootChildren: MAX_ROOTS, maxChildren: MAX_FILLED };
  const tree = new NamespaceTree(settings);
  void (async () => {
    try {
      const { complete } = await walkInto(tree, {
        driver: options.driver,
        config: options.config,
        settings,
        pace: { count: pace.count, pauseMs: pace.pauseMs, sampleEvery: pace.sampleEvery },
        prefix: options.prefix,
        signal: new AbortController().signal,
        onPage: () => undefined,
      });
      // A rescan that replaced the index meanwhile made this level's walk moot.
      if (complete && index.current === built) built.tree.graft(options.prefix, tree);
    } catch (error) {
      if (!isDriverError(error)) console.error(error);
    } finally {
      index.filling.delete(param);
    }
  })();
  return true;
}

/**
 * The finished trees of a connection (one per delimiter in use), which writes through the app adjust. A
 * live index hears those writes from the server like any other client's, so it is left out.
 */
function treesOf(connectionId: string): NamespaceTree[] {
  const trees: NamespaceTree[] = [];
  for (const index of indexes.values()) if (index.connectionId === connectionId && index.current && !index.watch) trees.push(index.current.tree);
  return trees;
}

/** How often a live index compares its key count with the server's. */
const DRIFT_CHECK_MS = 30_000;

/**
 * Keeps the finished index current from the server's keyspace notifications, where the backend has them
 * and the server announces them: every key added or removed by anyone moves the counts at once, so the
 * page needs no rescan to see other clients' writes. What the server does not announce (FLUSHDB, a
 * RENAME onto an existing key) shows up as a drift from its key count, checked every half minute: the
 * index then stops being live and says so, and the next rescan starts over.
 */
async function watchIndex(index: Index, driver: Driver): Promise<void> {
  if (!driver.watchKeyspace) {
    index.liveNote = null;
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const stopLive = (note: string) => {
    clearInterval(timer);
    index.watch = null;
    index.liveNote = note;
  };
  try {
    const watch = await driver.watchKeyspace({
      onChange: (change, key) => {
        const tree = index.current?.tree;
        if (!tree) return;
        if (change === "added") tree.add([key]);
        else tree.remove(key);
      },
      onEnd: (reason) => {
        if (index.watch) stopLive(reason === "stopped" ? "Live updates stopped." : `${reason} Counts are as of the last scan.`);
      },
    });
    if (!watch.live) {
      index.liveNote = watch.reason;
      return;
    }
    index.watch = watch;
    index.liveNote = null;
    timer = setInterval(() => {
      void driver
        .keyCount()
        .then((count) => {
          const tree = index.current?.tree;
          if (count === null || !tree || !index.watch) return;
          if (Math.abs(count - tree.root.count) > Math.max(10, count * 0.01)) {
            const watching = index.watch;
            stopLive(`The server holds ${count} keys where the index counts ${tree.root.count} (a FLUSHDB or a change Redis does not announce): rescan.`);
            watching.stop();
          }
        })
        .catch(() => undefined);
    }, DRIFT_CHECK_MS);
    timer.unref();
  } catch (error) {
    index.liveNote = isDriverError(error) ? error.message : "Could not subscribe to keyspace notifications.";
    if (!isDriverError(error)) console.error(error);
  }
}

/** Keys deleted through the app. */
export function indexKeysRemoved(connectionId: string, keys: readonly Uint8Array[]): void {
  for (const tree of treesOf(connectionId)) for (const key of keys) tree.remove(key);
}

/** A key created through the app. */
export function indexKeyAdded(connectionId: string, key: Uint8Array): void {
  for (const tree of treesOf(connectionId)) tree.add([key]);
}

/** A key renamed through the app. */
export function indexKeyRenamed(connectionId: string, from: Uint8Array, to: Uint8Array): void {
  for (const tree of treesOf(connectionId)) {
    tree.remove(from);
    tree.add([to]);
  }
}

/** A namespace delete through the app ended: `removed` keys went, all of them unless it was cancelled or failed. */
export function indexPrefixRemoved(connectionId: string, prefix: Uint8Array, removed: number, whole: boolean): void {
  for (const tree of treesOf(connectionId)) tree.removeUnder(prefix, removed, whole);
}
