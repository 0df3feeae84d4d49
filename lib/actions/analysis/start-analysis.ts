"use server";

import { z } from "zod";
import { startAnalysis as start } from "../../server/analysis/run";
import { Refusal } from "../../server/refusal";
import { defineAction } from "../define-action";
import { connectionIdSchema } from "../schemas";

/**
 * Starts a keyspace analysis of the connection (a read-only pass over every key); poll the returned job
 * for progress and cancel it with `jobs.cancel`. Audited: it costs the cache a full scan.
 */
export const startAnalysis = defineAction({
  name: "analysis.start",
  input: z.object({ connectionId: connectionIdSchema }),
  permission: "analysis.run",
  audited: true,
  connection: "read",
  run: async (_input, ctx) => {
    if (!ctx.connection.driver().capabilities.listKeys) throw new Refusal("UNSUPPORTED", "This connection cannot list its keys.");
    const jobId = await start({ connection: ctx.connection, user: ctx.user });
    ctx.audit.detail = { jobId };
    return { jobId };
  },
});
