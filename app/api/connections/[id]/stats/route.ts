import { z } from "zod";
import { defineRoute } from "@/lib/server/route";
import type { StatsReply } from "@/lib/stats/replies";
import { CAPACITY, sampledStats, sampleIntervalMs } from "@/lib/stats/sampler";

/** How long a first visit waits for the sampler's first reading before answering without one. */
const FIRST_READING_WAIT_MS = 3_000;

/**
 * The server-side history of a connection's counters (the last hour) and its newest full reading. The stats
 * page polls with `since` set to the newest sample it holds and gets only what it has not seen.
 */
export const GET = defineRoute({
  permission: "connections.read",
  connection: "load",
  query: z.object({ since: z.coerce.number().positive().optional() }),
  handler: async ({ connection, query: { since } }): Promise<StatsReply> => {
    const state = await sampledStats(connection.profile.id, { waitMs: FIRST_READING_WAIT_MS, since });
    return { ok: true, intervalMs: sampleIntervalMs(), capacity: CAPACITY, ...state };
  },
});
