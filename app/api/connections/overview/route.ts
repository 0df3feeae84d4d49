import { db } from "@/lib/db";
import { defineRoute } from "@/lib/server/route";
import { figuresOf, type OverviewReply } from "@/lib/stats/replies";
import { sampledStats, sampleIntervalMs } from "@/lib/stats/sampler";

/** A first visit waits this long for each connection's first reading; an unreachable one does not hold up the rest. */
const FIRST_READING_WAIT_MS = 2_500;

/** The at-a-glance figures of every connection, from the samplers (started here on the first visit). */
export const GET = defineRoute({
  permission: "connections.read",
  handler: async (): Promise<OverviewReply> => {
    const rows = await db().connectionProfile.findMany({ select: { id: true }, orderBy: { name: "asc" } });
    const connections = await Promise.all(
      rows.map(async ({ id }) => {
        const state = await sampledStats(id, { waitMs: FIRST_READING_WAIT_MS });
        return { id, figures: state.latest ? figuresOf(state.latest, state.samples.slice(-2)) : null, failure: state.failure };
      }),
    );
    return { ok: true, intervalMs: sampleIntervalMs(), connections };
  },
});
