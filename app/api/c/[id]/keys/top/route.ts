import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { startTopKeys } from "@/lib/server/keys/top-keys";
import { defineRoute } from "@/lib/server/route";

/**
 * Starts a whole-namespace sort by size or TTL (a background pass keeping the top N); poll
 * GET /api/c/[id]/jobs/[jobId] for progress and the rows, cancel with the jobs.cancel action.
 */
export const POST = defineRoute({
  permission: "keys.read",
  connection: "listable",
  body: z.object({
    by: z.enum(["size", "ttl"]),
    desc: z.boolean(),
    /** Glob text in Redis MATCH syntax (UTF-8). */
    match: z.string().max(4096).optional(),
    /** base64 of the namespace prefix. */
    prefix: bytesSchema.optional(),
    type: z.enum(["string", "hash", "list", "set", "zset", "stream"]).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  handler: async ({ signedIn: { user }, connection, body: { match, prefix, limit, ...rest } }) => {
    const jobId = await startTopKeys({
      ...rest,
      driver: connection.driver(),
      connectionId: connection.scope,
      pace: connection.scanPace,
      userId: user.id,
      limit: limit ?? 500,
      match: match ? Buffer.from(match, "utf8") : undefined,
      prefix: prefix && prefix.length > 0 ? prefix : undefined,
    });
    return { jobId };
  },
});
