"use server";

import { z } from "zod";
import { DriverError } from "../../drivers/errors";
import { NODE_PATTERN, serverOps } from "../../server/server-views";
import { defineAction } from "../define-action";
import { connectionIdSchema } from "../schemas";

const input = z.object({ connectionId: connectionIdSchema, node: z.string().regex(NODE_PATTERN).optional() });

/** SLOWLOG RESET on the connection's server (or one cluster node): admins only, audited, refused when read-only. */
export const resetSlowlog = defineAction({
  name: "server.slowlog-reset",
  input,
  permission: "server.manage",
  audited: true,
  connection: "write",
  run: async ({ node }, ctx) => {
    const ops = serverOps(ctx.connection);
    if (!ops.resetSlowlog) throw new DriverError("UNSUPPORTED", "This connection has no slow log.");
    ctx.audit.detail = node ? { node } : {};
    await ops.resetSlowlog({ node });
    return { reset: true };
  },
});
