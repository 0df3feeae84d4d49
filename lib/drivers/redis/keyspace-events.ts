/**
 * Key additions and removals pushed by Redis's keyspace notifications (`notify-keyspace-events`), so a
 * namespace index stays current between scans. Cacheboard never changes the server's configuration: the
 * events flow only where the operator enabled them (`E` plus `n` for new keys, `g` for deletes and renames,
 * `x` for expiries, `e` for evictions; `A` stands for `g$lshzxetd`). What Redis does not announce — FLUSHDB,
 * FLUSHALL, a RENAME onto an existing key — the index learns from its next scan.
 */
import type { Redis } from "ioredis";
import type { KeyspaceListener, KeyspaceWatch } from "../operations";
import type { Client, RedisConnection } from "./client";
import { text } from "./replies";

const NEEDED = ["E", "n", "g", "x", "e"] as const;
const ADDED = new Set(["new"]);
const REMOVED = new Set(["del", "expired", "evicted", "rename_from", "move_from"]);

/** The flags `notify-keyspace-events` lacks for a full stream of additions and removals. */
function missingFlags(flags: string): string[] {
  const expanded = flags.replace("A", "g$lshzxetd");
  return NEEDED.filter((flag) => !expanded.includes(flag));
}

/**
 * Subscribes to the key events of the connection's database on every primary (each cluster primary
 * announces only its own keys). Resolves `{ live: false, reason }` when the server is not set up for it or
 * will not say; otherwise the listener hears every change until `stop()` or until a subscription ends.
 */
export async function watchKeyspace(connection: RedisConnection, listener: KeyspaceListener): Promise<KeyspaceWatch> {
  const nodes = await connection.run(async (client: Client) => connection.primaries(client));
  for (const node of nodes) {
    let flags: string;
    try {
      const reply = (await connection.call(node, "CONFIG", "GET", "notify-keyspace-events")) as Buffer[];
      flags = reply.length >= 2 ? text(reply[1]) : "";
    } catch {
      return { live: false, reason: "The server does not let this user read notify-keyspace-events (CONFIG GET)." };
    }
    const missing = missingFlags(flags);
    if (missing.length > 0) {
      return {
        live: false,
        reason: `Keyspace notifications are off or partial (notify-keyspace-events "${flags}" lacks ${missing.join(", ")}); set it to "KEA" plus "n" (e.g. "Egxen") for live counts.`,
      };
    }
  }
  const subscribers: Redis[] = [];
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    for (const subscriber of subscribers) subscriber.disconnect();
    listener.onEnd(reason);
  };
  try {
    for (const node of nodes) {
      const db = Number(node.options.db ?? 0);
      // Its own socket: a subscribed connection takes no other commands. No retries: a dropped subscription ends the watch.
      const subscriber = node.duplicate({ lazyConnect: true, enableOfflineQueue: true, retryStrategy: () => null, commandTimeout: undefined });
      subscribers.push(subscriber);
      const prefix = `__keyevent@${db}__:`;
      subscriber.on("messageBuffer", (channel: Buffer, message: Buffer) => {
        const event = channel.toString("latin1").slice(prefix.length);
        if (ADDED.has(event)) listener.onChange("added", message);
        else if (REMOVED.has(event)) listener.onChange("removed", message);
      });
      subscriber.on("error", () => undefined);
      subscriber.on("end", () => end("The keyspace notification connection closed."));
      await subscriber.connect();
      await subscriber.subscribe(...[...ADDED, ...REMOVED].map((event) => prefix + event));
    }
  } catch (error) {
    end("Could not subscribe to keyspace notifications.");
    return { live: false, reason: `Could not subscribe to keyspace notifications: ${(error as Error).message}` };
  }
  return { live: true, stop: () => end("stopped") };
}
