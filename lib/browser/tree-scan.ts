import "server-only";
import type { Driver, DriverKind } from "../drivers/types";
import { startJob } from "./jobs";
import type { TreeResult } from "./key-row";
import { NamespaceTree } from "./namespace-tree";

const SCAN_COUNT = 1000;
/** The page polls about twice a second; a snapshot more often than that would only be thrown away. */
const PUBLISH_EVERY_MS = 400;

/**
 * Walks the whole keyspace once in the background, folding each page (keys plus size and TTL from one
 * describe round trip) into a namespace tree, and publishes partial trees as it goes so the tree fills in
 * while the list is already usable.
 */
export async function startTreeScan(options: {
  driver: Driver;
  kind: DriverKind;
  connectionId: string;
  userId: string;
  delimiter: string;
}): Promise<string> {
  const { driver } = options;
  const total = await driver.keyCount();
  return startJob<TreeResult>({
    kind: "tree",
    connectionId: options.connectionId,
    userId: options.userId,
    total,
    work: async (control) => {
      const tree = new NamespaceTree(Buffer.from(options.delimiter), options.kind);
      let cursor = "";
      let scanned = 0;
      let published = 0;
      for (;;) {
        if (control.signal.aborted) break;
        const page = await driver.scan({ cursor, count: SCAN_COUNT, signal: control.signal });
        const metas = page.meta ?? (await driver.describe(page.keys));
        page.keys.forEach((key, i) => tree.add(key, metas[i]?.exists ? metas[i] : undefined));
        scanned += page.keys.length;
        control.progress({ scanned, matched: scanned });
        if (Date.now() - published > PUBLISH_EVERY_MS) {
          control.publish(tree.snapshot());
          published = Date.now();
        }
        if (page.done) break;
        cursor = page.cursor;
      }
      return tree.snapshot();
    },
  });
}
