import { connectionHealth } from "@/lib/connections/health";
import { defineRoute } from "@/lib/server/route";

/** Reachability and latency of every connection, for the sidebar's status dots. */
export const GET = defineRoute({
  permission: "connections.read",
  handler: async () => ({ ok: true, connections: await connectionHealth() }),
});
