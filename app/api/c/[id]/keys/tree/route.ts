import { z } from "zod";
import { cancelScan, ensureIndex, hasIndex, readIndex, scanEnded } from "@/lib/server/keys/keyspace-index";
import type { LoadedConnection } from "@/lib/connections/load";
import { defineDirectRoute, defineRoute } from "@/lib/server/route";
import { Refusal } from "@/lib/server/refusal";

function indexOf(connection: LoadedConnection, since?: { generation: number; version: number }, withRoots = true) {
  const index = readIndex(connection.scope, connection.profile.keyDelimiter, since, withRoots);
  if (!index) throw new Refusal("INTERNAL", "The namespace index could not be started.");
  return index;
}

async function start(connection: LoadedConnection, rescan: boolean): Promise<void> {
  await ensureIndex({
    driver: connection.driver(),
    config: connection.driverConfig(),
    kind: connection.profile.kind,
    connectionId: connection.scope,
    delimiter: connection.profile.keyDelimiter,
    pace: connection.scanPace,
    rescan,
  });
}

/** The longest a poll may wait for a running scan to end. */
const MAX_WAIT_MS = 2000;

/**
 * The connection's shared namespace index: its status and first level. The first request for a connection
 * starts the scan. `?generation=…&version=…` (from the previous answer) asks only for what changed;
 * `&wait=N` answers when the running scan ends or after N ms, whichever comes first. The page polls it while
 * a scan runs: the direct lane answers it (app/api/direct-lane.ts).
 */
export const GET = defineDirectRoute({
  permission: "keys.read",
  connection: "listable",
  query: z.object({
    generation: z.coerce.number().int().optional(),
    version: z.coerce.number().int().optional(),
    wait: z.coerce.number().int().min(0).max(MAX_WAIT_MS).optional(),
  }),
  handler: async ({ connection, signal, query: { generation, version, wait } }) => {
    const since = generation !== undefined && version !== undefined ? { generation, version } : undefined;
    if (!hasIndex(connection.scope, connection.profile.keyDelimiter)) await start(connection, false);
    else if (wait) await scanEnded(connection.scope, connection.profile.keyDelimiter, wait, signal);
    return indexOf(connection, since);
  },
});

/**
 * Starts a rescan (unless one runs); the current index stays in use until the new one is complete. Answers
 * the status only: the page already shows the first level, and polls for what changes.
 */
export const POST = defineRoute({
  permission: "keys.read",
  connection: "listable",
  handler: async ({ connection }) => {
    await start(connection, true);
    return indexOf(connection, undefined, false);
  },
});

/** Stops the running scan: a first scan keeps what it found so far, a rescan leaves the old index. */
export const DELETE = defineRoute({
  permission: "keys.read",
  connection: "listable",
  handler: async ({ connection }) => ({ cancelled: cancelScan(connection.scope, connection.profile.keyDelimiter) }),
});
