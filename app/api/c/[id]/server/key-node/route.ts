import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { DriverError } from "@/lib/drivers/errors";
import { defineRoute } from "@/lib/server/route";
import { serverOps } from "@/lib/server/server-views";

/** Which cluster node holds a key: its slot (CLUSTER KEYSLOT) and the slot's primary and replicas. The key travels in the body. */
export const POST = defineRoute({
  permission: "server.read",
  connection: "load",
  body: z.object({ key: bytesSchema }),
  handler: async ({ connection, body: { key } }) => {
    const ops = serverOps(connection);
    if (!ops.keyNode) throw new DriverError("UNSUPPORTED", "Only a Redis Cluster spreads keys over nodes.");
    return { ok: true, ...(await ops.keyNode(key)) };
  },
});
