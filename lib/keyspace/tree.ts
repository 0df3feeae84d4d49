import type { DriverKind } from "../drivers/types";
import { kindOf } from "../kinds";
import { keyText } from "../wire/keys";
import { asBytes, byteKey, indexOf, sameBytes, segmentId } from "./bytes";
import { djangoOrAsyncCaches, litestarNamespace } from "./schemes";

/**
 * A namespace tree built from pages of scanned keys. Keys themselves are never stored: each key only bumps
 * counters on the namespaces above it, so memory grows with the number of namespaces (capped per node),
 * not with the number of keys. SCAN may return a key twice while Redis rehashes; counts are then slightly
 * high, which is the price of not remembering keys.
 */

/** Remaining time to live in seconds; `null` or a negative number mean no expiry, `undefined` that it was not read. */
type Ttl = number | null | undefined;

export interface KeyEntry {
  readonly key: Uint8Array;
  /** Bytes used by the value, when the scan page fetched it. */
  readonly size?: number;
  /** Left out when the TTL was not read (the key is only counted, not in the TTL histogram). */
  readonly ttl?: Ttl;
}

interface TtlHistogram {
  none: number;
  underMinute: number;
  underHour: number;
  underDay: number;
  longer: number;
}

export interface NamespaceNode {
  /** This level's segment, as bytes. */
  readonly segment: Uint8Array;
  /** The full byte prefix of keys below this node, delimiter included (empty for the root). */
  readonly prefix: Uint8Array;
  readonly depth: number;
  /** Display text: escaped when the segment is not UTF-8, `(empty)` for an empty segment. */
  readonly label: string;
  /** A recognised scheme, e.g. `Django / async-caches, version 1`, `Litestar sessions`, `aiocache namespace`, `uWSGI cache mycache`. */
  scheme?: string;
  /** Keys at or below this node. */
  count: number;
  /** Keys whose namespace is exactly this node. */
  direct: number;
  /** Total value size of the keys whose size is known, and how many those are. */
  bytes: number;
  sized: number;
  /** Keys whose TTL was read, by bucket (all keys, or a sample of them). */
  readonly ttl: TtlHistogram;
  readonly children: Map<string, NamespaceNode>;
  /** Keys under child namespaces that were not created because the node hit `maxChildren`. */
  overflow: number;
  /** The tree's `version` when a key was last added to or removed from this node. */
  changed: number;
  /**
   * Children by a hash of their segment, for the scan's hot path (one entry per hash; a collision falls back
   * to `children`). Cleared whenever a child leaves `children`, so it never names a removed namespace.
   */
  readonly byHash: Map<number, NamespaceNode>;
}

/**
 * A tree's state packed flat (see `NamespaceTree.pack`), for a walk in another thread to hand over: numbers
 * and segment bytes in two typed arrays whose buffers can be transferred, labels and schemes as strings. A
 * structured clone of the nodes themselves costs about 11 µs per namespace each way; this a small fraction.
 */
export interface PackedTree {
  /** PACKED_FIELDS numbers per node, parents before their children (see `pack`). */
  readonly numbers: Float64Array<ArrayBuffer>;
  /** Every node's segment, one after another. */
  readonly segments: Uint8Array<ArrayBuffer>;
  readonly labels: string[];
  /** Per node: its scheme, or null. */
  readonly schemes: (string | null)[];
  readonly version: number;
  readonly removedAt: number;
}

/** parent, depth, count, direct, bytes, sized, five TTL buckets, overflow, changed, segment end. */
const PACKED_FIELDS = 14;

interface TreeOptions {
  /** Separator between namespace levels; `:` by default, configurable per connection. */
  readonly delimiter?: Uint8Array | string;
  /** Levels below this are not split further. */
  readonly maxDepth?: number;
  /** Children per node before further namespaces are only counted (guards against ids used as namespaces). */
  readonly maxChildren?: number;
  /** The same for the first level, which a tree view must show whole: by default no limit. */
  readonly maxRootChildren?: number;
  /** The backend: the root is labelled with the scheme its descriptor gives the first level (a uWSGI cache). */
  readonly kind?: DriverKind;
  /** The name of the cache the root stands for, where the first level has a scheme. */
  readonly cache?: string;
  /** Labels for namespaces the user configured (e.g. an aiocache `namespace=`), by first-level segment. */
  readonly labels?: Readonly<Record<string, string>>;
}

const LOCK_SUFFIX = new TextEncoder().encode("-lock");

function endsWith(bytes: Uint8Array, suffix: Uint8Array): boolean {
  if (suffix.length > bytes.length) return false;
  const offset = bytes.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (bytes[offset + i] !== suffix[i]) return false;
  return true;
}

export function ttlBucket(ttl: Ttl): keyof TtlHistogram {
  if (ttl === null || ttl === undefined || ttl < 0) return "none";
  if (ttl < 60) return "underMinute";
  if (ttl < 3600) return "underHour";
  if (ttl < 86400) return "underDay";
  return "longer";
}

function emptyHistogram(): TtlHistogram {
  return { none: 0, underMinute: 0, underHour: 0, underDay: 0, longer: 0 };
}

function copyOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, start, end);
}

function labelOf(segment: Uint8Array): string {
  return segment.length === 0 ? "(empty)" : keyText(segment).text;
}

/** Scheme labels that depend only on a namespace's path, so they are computed once per node. */
function schemeFor(path: Uint8Array[], delimiter: Uint8Array): string | undefined {
  if (delimiter.length !== 1 || delimiter[0] !== 0x3a) return undefined;
  const text = path.map((p) => new TextDecoder().decode(p));
  if (path.length === 1) {
    if (text[0] === "pvx_cmgr") return "privex cache manager";
    return litestarNamespace(text[0])?.label;
  }
  if (path.length === 2 && /^\d+$/.test(text[1])) {
    return djangoOrAsyncCaches(text[1]);
  }
  if (path.length === 2 && text[1] === "") return text[0] === "" ? "async-caches (no prefix)" : `async-caches ${text[0]}`;
  return undefined;
}

function bumpNode(n: NamespaceNode, version: number, size: number | undefined, bucket: keyof TtlHistogram | null): void {
  n.count++;
  n.changed = version;
  if (bucket !== null) n.ttl[bucket]++;
  if (size !== undefined) {
    n.bytes += size;
    n.sized++;
  }
}

export class NamespaceTree {
  private top: NamespaceNode;
  private readonly delimiter: Uint8Array;
  private readonly maxDepth: number;
  private readonly maxChildren: number;
  private readonly maxRootChildren: number;
  private readonly labels: Readonly<Record<string, string>>;
  private nodes = 1;
  /** Bumped by every change, so a reader can ask for the nodes changed since the version it last saw. */
  version = 0;
  /** The version at which a namespace last disappeared (a diff of changed nodes cannot say that). */
  removedAt = 0;

  constructor(options: TreeOptions = {}) {
    this.delimiter = asBytes(options.delimiter ?? ":");
    this.maxDepth = options.maxDepth ?? 8;
    this.maxChildren = options.maxChildren ?? 5000;
    this.maxRootChildren = options.maxRootChildren ?? Number.POSITIVE_INFINITY;
    this.labels = options.labels ?? {};
    const firstLevel = options.kind === undefined ? null : kindOf(options.kind).firstLevelScheme;
    const scheme = firstLevel === null ? undefined : `${firstLevel} ${options.cache ?? "(default)"}`;
    this.top = this.node(new Uint8Array(0), new Uint8Array(0), 0, "(all keys)", scheme);
  }

  get root(): NamespaceNode {
    return this.top;
  }

  /** The tree's state packed flat, for another thread (`adoptPacked` there). */
  pack(): PackedTree {
    const order: NamespaceNode[] = [this.root];
    const parents: number[] = [-1];
    let size = 0;
    for (let i = 0; i < order.length; i++) {
      size += order[i].segment.length;
      for (const child of order[i].children.values()) {
        order.push(child);
        parents.push(i);
      }
    }
    const numbers = new Float64Array(order.length * PACKED_FIELDS);
    const segments = new Uint8Array(size);
    const labels: string[] = new Array<string>(order.length);
    const schemes: (string | null)[] = new Array<string | null>(order.length);
    let end = 0;
    for (let i = 0; i < order.length; i++) {
      const n = order[i];
      segments.set(n.segment, end);
      end += n.segment.length;
      const t = n.ttl;
      numbers.set([parents[i], n.depth, n.count, n.direct, n.bytes, n.sized, t.none, t.underMinute, t.underHour, t.underDay, t.longer, n.overflow, n.changed, end], i * PACKED_FIELDS);
      labels[i] = n.label;
      schemes[i] = n.scheme ?? null;
    }
    return { numbers, segments, labels, schemes, version: this.version, removedAt: this.removedAt };
  }

  /**
   * Takes over the state of a tree packed elsewhere (a walk in another thread) from a tree with the same
   * options, in place of this one's.
   */
  adoptPacked(packed: PackedTree): void {
    const { numbers, segments, labels, schemes } = packed;
    const delimiter = this.delimiter;
    const count = numbers.length / PACKED_FIELDS;
    // Every node's prefix is its parent's, its segment and the delimiter: all of them laid out in one array,
    // each node's prefix and segment views of it (no allocation per node but the views).
    const prefixLength = new Float64Array(count);
    let total = 0;
    for (let i = 1, start = 0; i < count; i++) {
      const end = numbers[i * PACKED_FIELDS + 13];
      prefixLength[i] = prefixLength[numbers[i * PACKED_FIELDS]] + (end - start) + delimiter.length;
      total += prefixLength[i];
      start = end;
    }
    const plain = new Uint8Array(total);
    // In Node, a Buffer over the same bytes turns a segment into its Map key natively (latin1).
    const all = typeof Buffer === "undefined" ? plain : Buffer.from(plain.buffer, 0, total);
    const nodes: NamespaceNode[] = new Array<NamespaceNode>(count);
    for (let i = 0, at = 0, start = 0, offset = 0; i < count; i++, at += PACKED_FIELDS) {
      const end = numbers[at + 13];
      const parent = i === 0 ? null : nodes[numbers[at]];
      let prefix: Uint8Array = plain.subarray(0, 0);
      let segment = prefix;
      if (parent) {
        const from = offset;
        const parentLength = parent.prefix.length;
        all.set(parent.prefix, from);
        all.set(segments.subarray(start, end), from + parentLength);
        all.set(delimiter, from + parentLength + end - start);
        offset += prefixLength[i];
        prefix = all.subarray(from, offset);
        segment = all.subarray(from + parentLength, from + parentLength + end - start);
      }
      start = end;
      const node: NamespaceNode = {
        segment,
        prefix,
        depth: numbers[at + 1],
        label: labels[i],
        scheme: schemes[i] ?? undefined,
        count: numbers[at + 2],
        direct: numbers[at + 3],
        bytes: numbers[at + 4],
        sized: numbers[at + 5],
        ttl: { none: numbers[at + 6], underMinute: numbers[at + 7], underHour: numbers[at + 8], underDay: numbers[at + 9], longer: numbers[at + 10] },
        children: new Map(),
        overflow: numbers[at + 11],
        changed: numbers[at + 12],
        // Filled in again by the hot path as keys arrive; lookups fall back to `children` meanwhile.
        byHash: new Map(),
      };
      nodes[i] = node;
      if (parent) parent.children.set(segmentId(segment, 0, segment.length), node);
    }
    this.top = nodes[0];
    this.nodes = count;
    this.version = packed.version;
    this.removedAt = packed.removedAt;
  }

  /** Namespaces created so far (the root included): the measure of this tree's memory. */
  get namespaceCount(): number {
    return this.nodes;
  }

  private node(segment: Uint8Array, prefix: Uint8Array, depth: number, label: string, scheme?: string): NamespaceNode {
    return { segment, prefix, depth, label, scheme, count: 0, direct: 0, bytes: 0, sized: 0, ttl: emptyHistogram(), children: new Map(), overflow: 0, changed: this.version, byHash: new Map() };
  }

  /** Adds one page of keys (plain byte keys or entries with size and TTL). */
  add(page: Iterable<KeyEntry | Uint8Array>): void {
    this.version++;
    for (const item of page) {
      if (item instanceof Uint8Array) this.addOne(item, undefined, null);
      else this.addOne(item.key, item.size, item.ttl === undefined ? null : ttlBucket(item.ttl));
    }
  }

  /**
   * The hot path of a tree scan (once per key of the keyspace): no allocation per level except where a
   * namespace is new. Map keys come straight from the key's bytes (latin1, one char per byte) without
   * copying the segment first.
   */
  private addOne(key: Uint8Array, size: number | undefined, bucket: keyof TtlHistogram | null): void {
    const version = this.version;
    const delimiter = this.delimiter;
    const single = delimiter.length === 1 ? delimiter[0] : -1;
    const length = key.length;
    let current = this.root;
    bumpNode(current, version, size, bucket);
    let start = 0;
    while (current.depth < this.maxDepth) {
      let at: number;
      let hash = 0;
      if (single >= 0) {
        // One pass in plain JS finds the delimiter and hashes the segment: no native call per level.
        at = start;
        while (at < length && key[at] !== single) hash = (Math.imul(hash, 31) + key[at++]) | 0;
        if (at >= length) break;
      } else {
        at = indexOf(key, delimiter, start);
        if (at < 0) break;
      }
      let child = single >= 0 ? current.byHash.get(hash) : undefined;
      if (child === undefined || !sameBytes(child.segment, key, start, at)) {
        const id = segmentId(key, start, at);
        child = current.children.get(id);
        if (!child) {
          if (current.children.size >= (current === this.root ? this.maxRootChildren : this.maxChildren)) {
            current.overflow++;
            return;
          }
          child = this.childFor(current, key, start, at);
          current.children.set(id, child);
          this.nodes++;
        }
        if (single >= 0 && !current.byHash.has(hash)) current.byHash.set(hash, child);
      }
      current = child;
      bumpNode(current, version, size, bucket);
      start = at + delimiter.length;
    }
    current.direct++;
    // aiocache writes `namespace:key` and its locks as `namespace:key-lock`: a lock names the namespace.
    if (current !== this.root && endsWith(key, LOCK_SUFFIX)) {
      const top = this.root.children.get(segmentId(key, 0, indexOf(key, delimiter, 0)));
      if (top && top.scheme === undefined) top.scheme = "aiocache namespace";
    }
  }

  /** A new namespace under `parent` for the segment `key[start, at)`; its path is read back from the key. */
  private childFor(parent: NamespaceNode, key: Uint8Array, start: number, at: number): NamespaceNode {
    // Copies, even of a Buffer (whose `slice` is a view): a node must not hold the scan reply its key came in,
    // nor carry it along when the tree is handed to another thread.
    const owned = copyOf(key, start, at);
    const prefix = copyOf(key, 0, at + this.delimiter.length);
    const label = labelOf(owned);
    const configured = parent === this.root ? this.labels[label] : undefined;
    const path: Uint8Array[] = [];
    for (let from = 0; from <= start; ) {
      const end = indexOf(key, this.delimiter, from);
      path.push(key.subarray(from, end));
      from = end + this.delimiter.length;
    }
    return this.node(owned, prefix, parent.depth + 1, label, configured ?? schemeFor(path, this.delimiter));
  }

  /** Children, biggest first (ties by label) — the order a tree view wants. */
  childrenOf(node: NamespaceNode): NamespaceNode[] {
    return [...node.children.values()].sort(biggestFirst);
  }

  /**
   * Takes `count` keys under `prefix` out of the counts (a namespace delete through the app). With
   * `whole`, every key under a namespace prefix went and its subtree is dropped. Sizes and TTL shares are
   * estimates and stay as they are: a node's average per key does not change when keys leave it.
   */
  removeUnder(prefix: Uint8Array | string, count: number, whole: boolean): void {
    const { nodes, exact } = this.pathTo(asBytes(prefix), false);
    const target = nodes[nodes.length - 1];
    const dropped = exact && whole;
    const removed = Math.min(dropped ? target.count : count, target.count);
    if (removed <= 0) return;
    this.touch(nodes, removed);
    if (dropped) {
      this.forget(nodes);
    } else {
      target.direct = Math.max(0, target.direct - removed);
      this.prune(nodes);
    }
  }

  /**
   * Replaces the children of the namespace at `prefix` by those of the same namespace in `other` (a tree
   * of a prefix-scoped scan with a higher cap per level), so a level this tree capped becomes complete.
   */
  graft(prefix: Uint8Array | string, other: NamespaceTree): boolean {
    const node = this.find(prefix);
    const source = other.find(prefix);
    if (!node || !source) return false;
    this.version++;
    for (const child of node.children.values()) this.nodes -= this.sizeOf(child);
    node.children.clear();
    node.byHash.clear();
    for (const [id, child] of source.children) {
      node.children.set(id, child);
      this.nodes += this.sizeOf(child);
    }
    node.overflow = source.overflow;
    node.changed = this.version;
    return true;
  }

  /** Takes one key out of the counts (a delete, or the old name of a rename). */
  remove(key: Uint8Array): void {
    const { nodes, missing } = this.pathTo(key, true);
    const target = nodes[nodes.length - 1];
    if ((missing ? target.overflow : target.direct) <= 0) return;
    this.touch(nodes, 1);
    if (missing) target.overflow--;
    else target.direct--;
    this.prune(nodes);
  }

  private touch(nodes: NamespaceNode[], removed: number): void {
    this.version++;
    for (const node of nodes) {
      node.count -= removed;
      node.changed = this.version;
    }
  }

  /**
   * The nodes from the root down to the deepest existing namespace of `bytes`: `exact` when a prefix ends
   * at that node, `missing` when a key's next namespace is not in the tree (counted as overflow).
   */
  private pathTo(bytes: Uint8Array, isKey: boolean): { nodes: NamespaceNode[]; exact: boolean; missing: boolean } {
    const nodes = [this.root];
    let current = this.root;
    let start = 0;
    while (current.depth < this.maxDepth) {
      const at = indexOf(bytes, this.delimiter, start);
      if (at < 0) break;
      const child = current.children.get(byteKey(bytes.subarray(start, at)));
      if (!child) return { nodes, exact: false, missing: true };
      nodes.push(child);
      current = child;
      start = at + this.delimiter.length;
    }
    return { nodes, exact: !isKey && start === bytes.length, missing: false };
  }

  private forget(path: NamespaceNode[]): void {
    const target = path[path.length - 1];
    if (target === this.root) {
      this.root.children.clear();
      this.root.byHash.clear();
      this.root.direct = 0;
      this.root.overflow = 0;
      this.nodes = 1;
      this.removedAt = this.version;
      return;
    }
    for (const node of path.slice(0, -1)) {
      node.bytes = Math.max(0, node.bytes - target.bytes);
      node.sized = Math.max(0, node.sized - target.sized);
      for (const bucket of Object.keys(node.ttl) as (keyof TtlHistogram)[]) node.ttl[bucket] = Math.max(0, node.ttl[bucket] - target.ttl[bucket]);
    }
    path[path.length - 2].children.delete(byteKey(target.segment));
    path[path.length - 2].byHash.clear();
    this.nodes -= this.sizeOf(target);
    this.removedAt = this.version;
  }

  /** Drops the nodes of `path` that no key is left under, deepest first. */
  private prune(path: NamespaceNode[]): void {
    for (let i = path.length - 1; i > 0 && path[i].count <= 0; i--) {
      path[i - 1].children.delete(byteKey(path[i].segment));
      path[i - 1].byHash.clear();
      this.nodes -= this.sizeOf(path[i]);
      this.removedAt = this.version;
    }
  }

  private sizeOf(node: NamespaceNode): number {
    let n = 1;
    for (const child of node.children.values()) n += this.sizeOf(child);
    return n;
  }

  /** The node whose prefix is exactly `prefix`, if the scan has seen it. */
  find(prefix: Uint8Array | string): NamespaceNode | undefined {
    const bytes = asBytes(prefix);
    let current = this.root;
    let start = 0;
    while (start < bytes.length) {
      const at = indexOf(bytes, this.delimiter, start);
      if (at < 0) return undefined;
      const child = current.children.get(byteKey(bytes.subarray(start, at)));
      if (!child) return undefined;
      current = child;
      start = at + this.delimiter.length;
    }
    return current;
  }
}

export function biggestFirst(a: NamespaceNode, b: NamespaceNode): number {
  return b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

/**
 * The `most` first of `nodes` in biggestFirst order, without sorting them all when they are many and `most`
 * is small (a page's hundred biggest of 200,000 first-level namespaces): one pass keeping the best so far.
 */
export function biggest(nodes: Iterable<NamespaceNode>, size: number, most: number): NamespaceNode[] {
  if (most <= 0) return [];
  if (most > 1000 || size <= most * 4) return [...nodes].sort(biggestFirst).slice(0, most);
  const best: NamespaceNode[] = [];
  for (const node of nodes) {
    if (best.length === most && biggestFirst(node, best[most - 1]) >= 0) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (biggestFirst(best[mid], node) <= 0) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, node);
    if (best.length > most) best.pop();
  }
  return best;
}

/**
 * A Redis `SCAN MATCH` pattern for exactly the keys under `prefix`. Glob characters in the prefix are
 * escaped, so `LITESTAR:*` never also matches `LITESTARX:…` (the Litestar `delete_all` bug).
 */
export function namespaceMatchPattern(prefix: Uint8Array | string): Uint8Array {
  const bytes = asBytes(prefix);
  const out: number[] = [];
  for (const b of bytes) {
    if (b === 0x2a || b === 0x3f || b === 0x5b || b === 0x5d || b === 0x5c) out.push(0x5c);
    out.push(b);
  }
  out.push(0x2a);
  return Uint8Array.from(out);
}
