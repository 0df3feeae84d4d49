import "server-only";
import { Worker } from "node:worker_threads";
import { DriverError } from "../../drivers/errors";
import type { DriverConfig } from "../../drivers/registry";
import type { Driver } from "../../drivers/types";
import type { NamespaceTree } from "../../keyspace";
import { scanInto } from "./tree-scan";
import type { FromWalker, WalkRequest } from "./tree-walk-protocol";
import { warmUpTree } from "./tree-warm-up";

/**
 * Where the namespace tree's walks run: in one worker thread of the process (./tree-worker.ts) at the lowest
 * CPU priority, each with a driver of its own, so that decoding and folding a million keys never takes a
 * core from the cache or its clients, nor delays the main thread's requests. Server start (or else the first
 * walk) starts the thread; it stops after THREAD_IDLE_MS without walks. The running tree is handed back now and then
 * (`NamespaceTree.pack` there, `adoptPacked` here), so pages see it fill in as before.
 *
 * The walk runs on the main thread instead when the thread is turned off (`CACHEBOARD_TREE_THREAD=0`),
 * could not start (it is then said once in the log), or has no config to open a driver with.
 */

interface Pending {
  tree: NamespaceTree;
  /** After each page: keys scanned so far, and whether the walk asks for fewer keys per call as its server is busy (lib/connections/server-load.ts). */
  onPage: (scanned: number, gentle: boolean) => void;
  resolve: (result: { scanned: number; complete: boolean }) => void;
  reject: (error: unknown) => void;
  /** Runs the walk on this thread: for walks sent to a thread that then failed to start. */
  here: () => void;
}

interface Thread {
  worker: Worker;
  /** The thread answered its first message: it loaded and runs. */
  ready: boolean;
  pending: Map<number, Pending>;
  /** Stops the thread when no walk came for THREAD_IDLE_MS. */
  idle?: NodeJS.Timeout;
  /** Stopped for being idle: its exit is expected. */
  retired: boolean;
}

/**
 * The thread is stopped this long after its last walk, and started again by the next one: it holds about
 * 30 MB (an idle server measured 191–200 MB without it, 221–238 MB with it), which an app that is not
 * scanning need not keep. The index itself lives on the main thread and stays.
 */
const THREAD_IDLE_MS = 5 * 60_000;

const holder = globalThis as unknown as {
  cacheboardTreeThread?: Thread | null;
  cacheboardTreeThreadOff?: string;
  cacheboardWalkId?: number;
  cacheboardFoldWarm?: boolean;
};

/** Walks run on this thread: the fold is compiled here once, before the first scan. */
function walksHere(): null {
  if (!holder.cacheboardFoldWarm) {
    holder.cacheboardFoldWarm = true;
    warmUpTree();
  }
  return null;
}

/** Walks run on the main thread: turned off (`CACHEBOARD_TREE_THREAD=0`), or the thread could not start. */
function threadOff(): boolean {
  return process.env.CACHEBOARD_TREE_THREAD === "0" || holder.cacheboardTreeThreadOff !== undefined;
}

/** Starts the walks' thread unless it runs (or is turned off). Returns the thread, or null when walks run here. */
export function startTreeThread(): Thread | null {
  if (threadOff()) return walksHere();
  if (holder.cacheboardTreeThread) return holder.cacheboardTreeThread;
  let worker: Worker;
  try {
    // Next.js sets NEXT_RUNTIME in what it builds; the sources run without it (the tests).
    worker = process.env.NEXT_RUNTIME
      ? // Built: the thread's own bundle.
        new Worker(new URL("./tree-worker.ts", import.meta.url))
      : // From the sources: the TypeScript file, through tsx's loader.
        new Worker(`import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL("./tree-worker.ts", import.meta.url).href)}); });`, {
          eval: true,
          execArgv: ["--conditions=react-server"],
        });
  } catch (error) {
    giveUp(error);
    return null;
  }
  worker.unref();
  const thread: Thread = { worker, ready: false, pending: new Map(), retired: false };
  holder.cacheboardTreeThread = thread;
  worker.on("message", (message: FromWalker) => onMessage(thread, message));
  const lost = (why: unknown) => {
    if (holder.cacheboardTreeThread === thread) holder.cacheboardTreeThread = null;
    clearTimeout(thread.idle);
    if (thread.retired) return;
    // A thread that never ran will not run: walks stay here from now on. One that ran and died is started again by the next walk.
    // Walks it was running fail with an error that says so, which their index logs: logged here only when none was.
    if (!thread.ready) giveUp(why);
    else if (thread.pending.size === 0) console.error("The tree walks' thread stopped:", why);
    for (const pending of thread.pending.values()) {
      if (!thread.ready) pending.here();
      else pending.reject(new Error(`The tree walks' thread stopped (${String(why)}) during a walk.`));
    }
    thread.pending.clear();
  };
  worker.on("error", lost);
  worker.on("exit", (code) => lost(`exit code ${code}`));
  return thread;
}

/**
 * Starts the walks' thread ahead of the first walk, at server start. The first tree a fresh server was asked
 * for waited for the thread's start and its modules: a one-key database's first tree took 200–240 ms where a
 * second connection's took 11–26 ms (43–62 ms with the thread started ahead), and at 1M keys a first tree
 * after the thread was up took 0.1–1.3 s less in each of three paired runs. The thread does not fold a
 * throwaway keyspace to compile the fold ahead too: that saved under 10 ms of the first tree and kept 5–15 MB
 * more of its heap. Unless a walk comes, the thread stops after THREAD_IDLE_MS as any idle thread does (about
 * 30 MB until then).
 */
export function prestartTreeThread(): void {
  if (holder.cacheboardTreeThread || threadOff()) return;
  const thread = startTreeThread();
  if (!thread) return;
  retireWhenIdle(thread);
}

function giveUp(why: unknown): void {
  if (holder.cacheboardTreeThreadOff !== undefined) return;
  holder.cacheboardTreeThreadOff = why instanceof Error ? why.message : String(why);
  console.error(`The tree walks' thread could not start (${holder.cacheboardTreeThreadOff}); walks run on the main thread.`);
  walksHere();
}

function retireWhenIdle(thread: Thread): void {
  clearTimeout(thread.idle);
  thread.idle = setTimeout(() => {
    if (thread.pending.size > 0) return;
    thread.retired = true;
    if (holder.cacheboardTreeThread === thread) holder.cacheboardTreeThread = null;
    void thread.worker.terminate();
  }, THREAD_IDLE_MS);
  thread.idle.unref();
}

function onMessage(thread: Thread, message: FromWalker): void {
  if (message.type === "ready") {
    thread.ready = true;
    if (message.priority !== null) console.warn(`The tree walks' thread keeps the normal CPU priority: ${message.priority}.`);
    return;
  }
  const pending = thread.pending.get(message.id);
  if (!pending) return;
  if (message.type === "page") {
    if (message.tree) pending.tree.adoptPacked(message.tree);
    pending.onPage(message.scanned, message.gentle);
    return;
  }
  thread.pending.delete(message.id);
  if (thread.pending.size === 0) retireWhenIdle(thread);
  pending.tree.adoptPacked(message.tree);
  if (message.type === "done") {
    pending.onPage(message.scanned, false);
    pending.resolve({ scanned: message.scanned, complete: message.complete });
  } else if (message.error) pending.reject(new DriverError(message.error.code as DriverError["code"], message.error.message));
  else pending.reject(new Error("The walk failed in its thread; the server log has the details."));
}

interface TreeWalk {
  /** The connection's pooled driver: used when the walk runs on this thread. */
  driver: Driver;
  /** What the thread opens its own driver from; null walks here. */
  config: DriverConfig | null;
  /** The tree's options: `tree` must have been built with them. */
  settings: WalkRequest["tree"];
  pace: WalkRequest["pace"];
  prefix?: Buffer;
  signal: AbortSignal;
  /** After each page: keys scanned so far, and whether the walk asks for fewer keys per call as its server is busy (lib/connections/server-load.ts). */
  onPage: (scanned: number, gentle: boolean) => void;
}

/**
 * Walks the keyspace (or the keys under `prefix`) into `tree`, in the walks' thread where it runs, else here
 * (./tree-scan.ts). Settles as `scanInto` does: `complete` false when `signal` stopped it.
 */
export async function walkInto(tree: NamespaceTree, walk: TreeWalk): Promise<{ scanned: number; complete: boolean }> {
  const here = () => scanInto(walk.driver, tree, { ...walk.pace, prefix: walk.prefix, signal: walk.signal, onPage: walk.onPage });
  const thread = walk.config ? startTreeThread() : null;
  if (!thread || !walk.config) return here();
  clearTimeout(thread.idle);
  const id = (holder.cacheboardWalkId = (holder.cacheboardWalkId ?? 0) + 1);
  const { worker } = thread;
  const cancel = () => worker.postMessage({ type: "cancel", id });
  try {
    return await new Promise<{ scanned: number; complete: boolean }>((resolve, reject) => {
      thread.pending.set(id, { tree, onPage: walk.onPage, resolve, reject, here: () => void here().then(resolve, reject) });
      const request: WalkRequest = { type: "walk", id, config: walk.config as DriverConfig, tree: walk.settings, pace: walk.pace, prefix: walk.prefix };
      worker.postMessage(request);
      if (walk.signal.aborted) cancel();
      else walk.signal.addEventListener("abort", cancel, { once: true });
    });
  } finally {
    walk.signal.removeEventListener("abort", cancel);
  }
}
