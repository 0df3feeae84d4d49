import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { readJob } from "@/lib/browser/jobs";
import { errorResponse } from "@/lib/browser/respond";

/** Progress and (partial) result of one of the caller's jobs on this connection. */
export const GET = withUser(
  "viewer",
  async ({ user }, _request: Request, { params }: { params: Promise<{ id: string; jobId: string }> }) => {
    const { id, jobId } = await params;
    const job = readJob(id, jobId, user.id);
    if (!job) return errorResponse("NOT_FOUND", "That job does not exist or has expired.");
    return NextResponse.json(job, { headers: { "cache-control": "no-store" } });
  },
);
