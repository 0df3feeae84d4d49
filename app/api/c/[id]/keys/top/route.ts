import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { withUser } from "@/lib/auth/guard";
import { errorResponse, failureResponse } from "@/lib/browser/respond";
import { startTopKeys } from "@/lib/browser/top-keys";
import { loadConnection } from "@/lib/connections/load";

const topRequest = z.object({
  by: z.enum(["size", "ttl"]),
  desc: z.boolean(),
  /** Glob text in Redis MATCH syntax (UTF-8). */
  match: z.string().max(4096).optional(),
  /** base64 of the namespace prefix. */
  prefix: bytesSchema.optional(),
  type: z.enum(["string", "hash", "list", "set", "zset", "stream"]).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

/**
 * Starts a whole-namespace sort by size or TTL (a background pass keeping the top N); poll
 * GET /api/c/[id]/jobs/[jobId] for progress and the rows, cancel with the jobs.cancel action.
 */
export const POST = withUser("viewer", async ({ user }, request: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const parsed = topRequest.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return errorResponse("INVALID_ARGUMENT", parsed.error.issues.map((issue) => issue.message).join("; "));
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
  try {
    const driver = connection.driver();
    if (!driver.capabilities.listKeys) return errorResponse("UNSUPPORTED", "This connection cannot list its keys.");
    const { match, prefix, limit, ...rest } = parsed.data;
    const jobId = await startTopKeys({
      ...rest,
      driver,
      connectionId: id,
      userId: user.id,
      limit: limit ?? 500,
      match: match ? Buffer.from(match, "utf8") : undefined,
      prefix: prefix && prefix.length > 0 ? prefix : undefined,
    });
    return NextResponse.json({ jobId });
  } catch (error) {
    return failureResponse(error);
  }
});
