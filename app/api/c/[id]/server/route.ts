import { z } from "zod";
import { defineRoute } from "@/lib/server/route";
import { NODE_PATTERN, serverOps } from "@/lib/server/server-views";
import { SERVER_VIEWS } from "@/lib/wire/server";

/**
 * One Server tab view of a connection (`?view=slowlog`, `&node=host:port` for one cluster node), with the
 * nodes a per-node view can be pointed at. A view the backend does not offer answers 400 UNSUPPORTED.
 */
export const GET = defineRoute({
  permission: "server.read",
  connection: "load",
  query: z.object({ view: z.enum(SERVER_VIEWS), node: z.string().regex(NODE_PATTERN).optional() }),
  handler: async ({ connection, query: { view, node } }) => {
    const ops = serverOps(connection);
    const [reply, nodeChoices] = await Promise.all([ops.view(view, { node }), ops.nodeChoices()]);
    return { ok: true, ...reply, nodeChoices };
  },
});
