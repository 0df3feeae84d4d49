import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/browser/respond";
import { loadConnection } from "@/lib/connections/load";
import type { StatsReply } from "@/lib/stats/replies";
import { CAPACITY, sampledStats, sampleIntervalMs } from "@/lib/stats/sampler";

/** How long a first visit waits for the sampler's first reading before answering without one. */
const FIRST_READING_WAIT_MS = 3_000;

/**
 * The server-side history of a connection's counters (the last hour) and its newest full reading. The stats
 * page polls with `since` set to the newest sample it holds and gets only what it has not seen.
 */
export const GET = withUser("viewer", async (_signedIn, request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const headers = { "cache-control": "no-store" };
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
  const since = Number(new URL(request.url).searchParams.get("since"));
  const state = await sampledStats(id, { waitMs: FIRST_READING_WAIT_MS, since: Number.isFinite(since) && since > 0 ? since : undefined });
  const reply: StatsReply = { ok: true, intervalMs: sampleIntervalMs(), capacity: CAPACITY, ...state };
  return NextResponse.json(reply, { headers });
});
