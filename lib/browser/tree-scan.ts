import "server-only";
import type { Driver, DriverKind } from "../drivers/types";
import { keyText, keyToParam } from "../key-text";
import { NamespaceTree, type NamespaceNode } from "../keyspace";
import { startJob } from "./jobs";
import type { TreeNodeView, TreeResult } from "./key-row";

const SCAN_COUNT = 1000;
/** The page polls about twice a second; a snapshot more often than that would only be thrown away. */
const PUBLISH_EVERY_MS = 400;
/** Nodes sent to the browser per snapshot, biggest namespaces first; the tree itself may hold more. */
const SNAPSHOT_NODES = 2000;

/** The tree as JSON for the browser: biggest namespaces first, at most SNAPSHOT_NODES of them. */
function snapshot(tree: NamespaceTree, kind: DriverKind): TreeResult {
  let budget = SNAPSHOT_NODES;
  let omitted = 0;
  const view = (node: NamespaceNode): TreeNodeView => {
    const children: TreeNodeView[] = [];
    for (const child of tree.childrenOf(node)) {
      if (budget <= 0) {
        omitted += 1;
        continue;
      }
      budget -= 1;
      children.push(view(child));
    }
    return {
      prefix: keyToParam(node.prefix),
      label: node.label,
      hidden: keyText(node.segment).hidden,
      scheme: node.scheme ?? (kind === "uwsgi" && node.depth === 1 ? "uWSGI cache" : null),
      count: node.count,
      size: node.bytes,
      noTtl: node.ttl.none,
      overflow: node.overflow,
      children,
    };
  };
  const root = view(tree.root);
  return { roots: root.children, ungrouped: tree.root.direct, omitted };
}

/**
 * Walks the whole keyspace once in the background, folding each page (keys plus size and TTL from one
 * describe round trip) into the namespace tree of lib/keyspace, and publishes partial trees as it goes so
 * the tree fills in while the list is already usable.
 */
export async function startTreeScan(options: {
  driver: Driver;
  kind: DriverKind;
  connectionId: string;
  userId: string;
  delimiter: string;
}): Promise<string> {
  const { driver, kind } = options;
  const total = await driver.keyCount();
  return startJob<TreeResult>({
    kind: "tree",
    connectionId: options.connectionId,
    userId: options.userId,
    total,
    work: async (control) => {
      const tree = new NamespaceTree({ delimiter: options.delimiter, driver: kind });
      let cursor = "";
      let scanned = 0;
      let published = 0;
      for (;;) {
        if (control.signal.aborted) break;
        const page = await driver.scan({ cursor, count: SCAN_COUNT, signal: control.signal });
        const metas = page.meta ?? (await driver.describe(page.keys));
        tree.add(
          page.keys.map((key, i) => {
            const meta = metas[i];
            if (!meta?.exists) return { key };
            return { key, size: meta.size ?? undefined, ttl: meta.ttlMs === null ? null : meta.ttlMs / 1000 };
          }),
        );
        scanned += page.keys.length;
        control.progress({ scanned, matched: scanned });
        if (Date.now() - published > PUBLISH_EVERY_MS) {
          control.publish(snapshot(tree, kind));
          published = Date.now();
        }
        if (page.done) break;
        cursor = page.cursor;
      }
      return snapshot(tree, kind);
    },
  });
}
