/**
 * Walking a Redis keyspace: a page of SCAN (one primary at a time in a cluster, with an estimate of how much
 * it covered), and the prefix walks behind namespace count, delete and expire.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Cluster, type Redis } from "ioredis";
import { DriverError } from "../errors";
import { prefixPattern } from "../glob";
import type { PrefixOptions, PrefixResult, ScanPage, ScanRequest } from "../types";
import { nodeAddressOf, type RedisConnection } from "./client";
import { cancelled, num, text, type Reply } from "./replies";
import type { ServerLoad } from "../../connections/server-load";

const DEFAULT_SCAN_COUNT = 1000;
const DEFAULT_BATCH = 1000;

/** Cursor of a walk over several primaries: which node (by address) and where in its keyspace. */
function encodeClusterCursor(node: string, cursor: string): string {
  return Buffer.from(`${node} ${cursor}`).toString("base64url");
}

function decodeClusterCursor(cursor: string): { node: string; cursor: string } {
  const [node, inner] = Buffer.from(cursor, "base64url").toString("utf8").split(" ");
  if (!node || !inner || !/^\d+$/.test(inner)) throw new DriverError("INVALID_ARGUMENT", "Malformed scan cursor");
  return { node, cursor: inner };
}

/** One SCAN step on one primary; a cluster's cursor names the node it continues on. */
export async function scanKeys(connection: RedisConnection, request: ScanRequest): Promise<ScanPage> {
  if (cancelled(request.signal)) throw new DriverError("CANCELLED", "The scan was cancelled");
  const prefix = request.prefix;
  const pattern = request.match ?? (prefix && prefix.length > 0 ? prefixPattern(prefix) : undefined);
  const args: (string | Buffer | number)[] = [];
  if (pattern) args.push("MATCH", pattern);
  args.push("COUNT", request.count ?? DEFAULT_SCAN_COUNT);
  if (request.type && request.type !== "unknown") args.push("TYPE", request.type);
  // With both a pattern and a prefix the server filters by the pattern and we keep the prefix here.
  const keep = request.match && prefix && prefix.length > 0 ? (k: Buffer) => k.subarray(0, prefix.length).equals(prefix) : null;

  return connection.run(async (client) => {
    const nodes = connection.primaries(client);
    let index = 0;
    let cursor = "0";
    if (client instanceof Cluster) {
      if (request.cursor) {
        const decoded = decodeClusterCursor(request.cursor);
        index = nodes.findIndex((node) => nodeAddressOf(node) === decoded.node);
        if (index === -1) {
          throw new DriverError("INVALID_ARGUMENT", `The node ${decoded.node} of this scan cursor is no longer a primary; start again`);
        }
        cursor = decoded.cursor;
      }
    } else if (request.cursor) {
      if (!/^\d+$/.test(request.cursor)) throw new DriverError("INVALID_ARGUMENT", "Malformed scan cursor");
      cursor = request.cursor;
    }
    // The server filters MATCH and TYPE, so what this call looked at is estimated from how much of the
    // node's table the cursor moved over, times the node's key count (DBSIZE rides along in the pipeline).
    const filtered = args[0] === "MATCH" || args.includes("TYPE");
    const [[next, found], nodeKeys] = (await Promise.all([
      connection.call(nodes[index], "SCAN", cursor, ...args),
      filtered ? connection.call(nodes[index], "DBSIZE") : null,
    ])) as [[Buffer, Buffer[]], Reply | null];
    const keys = keep ? found.filter(keep) : found;
    const nextCursor = text(next);
    const before = cursorShare(cursor);
    const after = nextCursor === "0" ? 1 : cursorShare(nextCursor);
    const progress = {
      examined: filtered ? Math.round(Math.max(0, after - before) * num(nodeKeys)) : found.length,
      estimated: filtered,
      covered: (index + after) / nodes.length,
    };
    if (nextCursor !== "0") {
      return {
        cursor: client instanceof Cluster ? encodeClusterCursor(nodeAddressOf(nodes[index]), nextCursor) : nextCursor,
        done: false,
        keys,
        progress,
      };
    }
    if (index + 1 < nodes.length) {
      return { cursor: encodeClusterCursor(nodeAddressOf(nodes[index + 1]), "0"), done: false, keys, progress };
    }
    return { cursor: "0", done: true, keys, progress };
  });
}

/**
 * One command per key, all sent at once on the node's connection (auto-pipelined standalone; a cluster
 * node's pipeline object insists on a single slot), summing the integer replies.
 */
export async function each(keys: Buffer[], command: (key: Buffer) => Promise<Reply>): Promise<number> {
  const replies = await Promise.all(keys.map(command));
  return replies.reduce<number>((sum, reply) => sum + num(reply), 0);
}

/**
 * SCAN `MATCH <escaped prefix>*` on every primary, acting on each batch with `act`. The action on one batch
 * runs while the next SCAN is already on the wire (both on the same connection, so in order), which keeps
 * the walk as fast as a hand-written SCAN + pipelined UNLINK loop. With `pauseMs` (the connection's scan
 * pace) each SCAN after the first waits that long, while the previous batch's action is still under way, and
 * asks a busy server for a quarter of the batch (lib/connections/server-load.ts).
 */
export async function walkPrefix(
  connection: RedisConnection,
  prefix: Buffer,
  options: PrefixOptions,
  /** The server's load as the driver's paced walks share it (one reading a second for all of them). */
  load: () => ServerLoad,
  act: ((node: Redis, keys: Buffer[]) => Promise<number>) | null,
): Promise<PrefixResult> {
  const count = options.batchSize ?? DEFAULT_BATCH;
  const pattern = prefixPattern(prefix);
  const progress = { scanned: 0, matched: 0, affected: 0, gentle: false };
  const paced = options.pauseMs ? load() : null;
  return connection.run(async (client) => {
    let calls = 0;
    for (const node of connection.primaries(client)) {
      let cursor = "0";
      let pending: Promise<number> | null = null;
      do {
        if (calls++ > 0 && options.pauseMs) await sleep(options.pauseMs, undefined, { signal: options.signal }).catch(() => undefined);
        if (cancelled(options.signal)) {
          if (pending) progress.affected += await pending;
          return { matched: progress.matched, affected: progress.affected, cancelled: true };
        }
        const reading = paced ? await paced.pace(count) : null;
        const asked = reading?.count ?? count;
        progress.gentle = reading?.gentle ?? false;
        const scanning = connection.call(node, "SCAN", cursor, "MATCH", pattern, "COUNT", asked) as Promise<[Buffer, Buffer[]]>;
        if (pending) {
          progress.affected += await pending;
          pending = null;
          options.onProgress?.({ ...progress });
        }
        const [next, keys] = await scanning;
        cursor = text(next);
        // SCAN visits about COUNT slots of the keyspace per call; the server does not say how many exactly.
        progress.scanned += asked;
        progress.matched += keys.length;
        if (act && keys.length > 0) pending = act(node, keys);
        else options.onProgress?.({ ...progress });
      } while (cursor !== "0");
      if (pending) {
        progress.affected += await pending;
        options.onProgress?.({ ...progress });
      }
    }
    return { matched: progress.matched, affected: progress.affected, cancelled: false };
  });
}

/**
 * Share of a node's hash table a SCAN cursor has walked. Redis hands out cursors in reverse-binary order
 * (it increments the bit-reversed cursor), so the cursor's 64 bits reversed, over 2^64, is the share of
 * buckets visited, whatever the table size; a resize during the walk makes it approximate.
 */
function cursorShare(cursor: string): number {
let rest = BigInt(cursor);
let reversed = 0n;
for (let bit = 0; bit < 64; bit++) {
  reversed = (reversed << 1n) | (rest & 1n);
  rest >>= 1n;
}
return Number(reversed) / 2 ** 64;
}
