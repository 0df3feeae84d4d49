/**
 * The namespace tree's walks, in a worker thread of their own at the lowest CPU priority (see
 * ./tree-walker.ts, which starts it and speaks to it). Walks use this thread's own drivers, made from the
 * connection's config and kept a minute after their last walk. Each walk folds the keys into its own tree
 * exactly as a walk on the main thread does (./tree-scan.ts) and hands the tree over packed: now and then
 * while it runs, and whole when it ends.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { createDriver, type DriverConfig } from "../../drivers/registry";
import type { Driver } from "../../drivers/types";
import { isDriverError } from "../../drivers/errors";
import { NamespaceTree } from "../../keyspace";
import { scanInto } from "./tree-scan";
import type { FromWalker, ToWalker, WalkRequest } from "./tree-walk-protocol";

/**
 * How often a running walk hands its tree over, so the page sees it fill in: every 400 ms, or less often
 * where the tree is big enough for packing it (and unpacking it on the main thread, which takes about as
 * long again) to cost more than a fiftieth of that time.
 */
const SNAPSHOT_MS = 400;
const SNAPSHOT_SHARE = 50;

/**
 * Lowers this thread (not the process: the main thread keeps answering requests at its priority) to nice
 * 19, so on a machine whose cores the cache and its clients keep busy the walk's folding waits for them
 * instead of delaying them. Linux names a thread by its id in setpriority(2); an unprivileged process
 * cannot raise it back, which is why the walks have a thread of their own. Elsewhere this does nothing.
 */
function lowerPriority(): string | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return "no thread id";
    setPriority(tid, 19);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const port = parentPort;
if (!port) throw new Error("tree-worker runs as a worker thread");
/** Sends a message; a packed tree's arrays are transferred, not copied. */
const post = (message: FromWalker) => {
  const tree = "tree" in message ? message.tree : undefined;
  port.postMessage(message, tree ? [tree.numbers.buffer, tree.segments.buffer] : []);
};
const walks = new Map<number, AbortController>();

/** A driver is kept this long after its last walk, so that a rescan does not connect again. */
const DRIVER_IDLE_MS = 60_000;

interface Pooled {
  key: string;
  driver: Driver;
  walks: number;
  timer?: NodeJS.Timeout;
}

/** The walks' drivers, by their whole config (a changed profile makes a new one; the old one idles out). */
const drivers = new Map<string, Pooled>();

function take(config: DriverConfig): Pooled {
  const key = JSON.stringify(config);
  let pooled = drivers.get(key);
  if (!pooled) {
    pooled = { key, driver: createDriver(config), walks: 0 };
    drivers.set(key, pooled);
  }
  clearTimeout(pooled.timer);
  pooled.walks++;
  return pooled;
}

function release(pooled: Pooled): void {
  if (--pooled.walks > 0) return;
  pooled.timer = setTimeout(() => {
    drivers.delete(pooled.key);
    void pooled.driver.dispose().catch(() => undefined);
  }, DRIVER_IDLE_MS);
}

async function walk(request: WalkRequest): Promise<void> {
  const controller = new AbortController();
  walks.set(request.id, controller);
  const tree = new NamespaceTree(request.tree);
  let handedAt = performance.now();
  let every = SNAPSHOT_MS;
  let pooled: Pooled | null = null;
  try {
    pooled = take(request.config);
    const { scanned, complete } = await scanInto(pooled.driver, tree, {
      ...request.pace,
      prefix: request.prefix ? Buffer.from(request.prefix) : undefined,
      signal: controller.signal,
      onPage: (scanned, gentle) => {
        const now = performance.now();
        if (now - handedAt < every) return post({ type: "page", id: request.id, scanned, gentle });
        const packed = tree.pack();
        handedAt = performance.now();
        every = Math.max(SNAPSHOT_MS, SNAPSHOT_SHARE * (handedAt - now));
        post({ type: "page", id: request.id, scanned, gentle, tree: packed });
      },
    });
    post({ type: "done", id: request.id, scanned, complete, tree: tree.pack() });
  } catch (error) {
    if (!isDriverError(error)) console.error(error);
    post({
      type: "failed",
      id: request.id,
      error: isDriverError(error) ? { code: error.code, message: error.message } : null,
      tree: tree.pack(),
    });
  } finally {
    walks.delete(request.id);
    if (pooled) release(pooled);
  }
}

port.on("message", (message: ToWalker) => {
  if (message.type === "cancel") walks.get(message.id)?.abort();
  else void walk(message);
});

// No warm-up fold here: started with the server, it saved under 10 ms of a first tree and kept 5–15 MB more heap (see prestartTreeThread).
post({ type: "ready", priority: lowerPriority() });
