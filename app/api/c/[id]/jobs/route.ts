import { listJobs } from "@/lib/server/keys/jobs";
import { defineRoute } from "@/lib/server/route";

/**
 * The connection's running jobs and those that ended in the last hour, whoever started them and on whichever
 * instance: read from the job rows. Anyone who may browse the connection sees them; `canCancel` says which
 * the caller may stop.
 */
export const GET = defineRoute({
  permission: "keys.read",
  connection: "load",
  handler: async ({ signedIn: { user }, connection }) => listJobs(connection.profile.id, user),
});
