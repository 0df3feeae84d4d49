"use server";

import { z } from "zod";
import { cancelJob as cancel } from "../../server/keys/jobs";
import { defineAction } from "../define-action";
import { connectionIdSchema } from "../schemas";

/**
 * Stops a running job: the caller's own, or anyone's for an admin (`mayCancelJob`), from the job's dialog or
 * the Jobs tab. Not audited itself: a cancelled write job records its own entry, with what it changed before
 * it stopped.
 */
export const cancelJob = defineAction({
  name: "jobs.cancel",
  input: z.object({ connectionId: connectionIdSchema, jobId: z.string().uuid() }),
  permission: "keys.read",
  audited: false,
  connection: "read",
  run: async ({ connectionId, jobId }, ctx) => ({ cancelled: await cancel(connectionId, jobId, ctx.user) }),
});
