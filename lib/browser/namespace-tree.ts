import "server-only";
import type { DriverKind, KeyMeta } from "../drivers/types";
import { keyText, keyToParam } from "../key-text";
import type { TreeNodeView, TreeResult } from "./key-row";

/**
 * The namespace tree, folded from key pages as the background scan goes. It keeps one node per namespace,
 * never the keys themselves, and stops making nodes at `maxNodes` (further namespaces are counted in their
 * parent, which is marked truncated), so memory grows with namespaces and is bounded even on a keyspace
 * that uses the delimiter inside random ids.
 *
 * The shared key-scheme recogniser (lib/keyspace) had not landed when this was written, so the few
 * FORMATS.md key shapes the tree labels are recognised here.
 */

interface Node {
  prefix: Buffer;
  label: string;
  scheme: string | null;
  count: number;
  size: number;
  noTtl: number;
  children: Map<string, Node>;
  truncated: boolean;
  /** aiocache leaves `<key>-lock` keys next to the keys it locks. */
  hasLockKey: boolean;
}

const LITESTAR = /^LITESTAR(_\w+)*$/;
const VERSION = /^[0-9]*$/;

function newNode(prefix: Buffer, label: string, scheme: string | null): Node {
  return { prefix, label, scheme, count: 0, size: 0, noTtl: 0, children: new Map(), truncated: false, hasLockKey: false };
}

function versionScheme(prefix: string, version: string): string {
  if (!prefix && !version) return "async-caches, no prefix";
  if (!prefix) return `Django v${version}`;
  return `Django / async-caches v${version || "—"}`;
}

export class NamespaceTree {
  private readonly root = newNode(Buffer.alloc(0), "", null);
  private readonly ungrouped = { count: 0, size: 0, noTtl: 0 };
  private nodes = 0;

  constructor(
    private readonly delimiter: Buffer,
    private readonly kind: DriverKind,
    private readonly limits: { maxDepth: number; maxNodes: number } = { maxDepth: 4, maxNodes: 4000 },
  ) {}

  add(key: Buffer, meta: Pick<KeyMeta, "size" | "ttlMs"> | undefined): void {
    const size = meta?.size ?? 0;
    const noTtl = meta && meta.ttlMs === null ? 1 : 0;
    const d = this.delimiter;
    let end = d.length ? key.indexOf(d) : -1;
    if (end < 0) {
      this.ungrouped.count += 1;
      this.ungrouped.size += size;
      this.ungrouped.noTtl += noTtl;
      return;
    }
    let node = this.root;
    let start = 0;
    for (let depth = 0; depth < this.limits.maxDepth && end >= 0; depth += 1) {
      let segmentEnd = end;
      let scheme: string | null = null;
      const segment = key.subarray(start, end).toString("latin1");
      if (depth === 0 && this.kind === "uwsgi") scheme = "uWSGI cache";
      else if (depth === 0 && LITESTAR.test(segment)) scheme = "Litestar namespace";
      else if (depth === 0 && segment === "pvx_cmgr") scheme = "privex cache manager";
      else if (depth === 0 && segment === "RateLimitMiddleware") scheme = "Litestar rate limit";
      else if (depth === 0 && d.equals(Buffer.from(":"))) {
        // `prefix:version:` is one namespace for Django, django-redis and async-caches: keep it one node.
        const next = key.indexOf(d, end + d.length);
        const version = next >= 0 ? key.subarray(end + d.length, next).toString("latin1") : null;
        if (version !== null && VERSION.test(version)) {
          segmentEnd = next;
          scheme = versionScheme(segment, version);
        }
      }
      const prefixEnd = segmentEnd + d.length;
      const mapKey = key.subarray(start, segmentEnd).toString("latin1");
      let child = node.children.get(mapKey);
      if (!child) {
        if (this.nodes >= this.limits.maxNodes) {
          node.truncated = true;
          break;
        }
        const prefix = Buffer.from(key.subarray(0, prefixEnd));
        child = newNode(prefix, keyText(key.subarray(start, segmentEnd)).text, scheme);
        node.children.set(mapKey, child);
        this.nodes += 1;
      }
      child.count += 1;
      child.size += size;
      child.noTtl += noTtl;
      node = child;
      start = prefixEnd;
      end = key.indexOf(d, start);
    }
    if (end < 0 && key.subarray(start).toString("latin1").endsWith("-lock")) node.hasLockKey = true;
  }

  snapshot(): TreeResult {
    const view = (node: Node): TreeNodeView => ({
      prefix: keyToParam(node.prefix),
      label: node.label,
      scheme: node.scheme ?? (node.hasLockKey ? "aiocache namespace" : null),
      count: node.count,
      size: node.size,
      noTtl: node.noTtl,
      truncated: node.truncated,
      children: [...node.children.values()].sort((a, b) => a.label.localeCompare(b.label)).map(view),
    });
    return { roots: view(this.root).children, ungrouped: { ...this.ungrouped } };
  }
}
