import { readJob } from "@/lib/server/keys/jobs";
import { defineRoute } from "@/lib/server/route";
import { Refusal } from "@/lib/server/refusal";

/** Progress and (partial) result of one of the caller's jobs on this connection. */
export const GET = defineRoute({
  permission: "keys.read",
  handler: async ({ signedIn: { user }, params }) => {
    const job = await readJob(params.id ?? "", params.jobId ?? "", user.id);
    if (!job) throw new Refusal("NOT_FOUND", "That job does not exist or has expired.");
    return job;
  },
});
