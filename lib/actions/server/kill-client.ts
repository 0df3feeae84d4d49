"use server";

import { z } from "zod";
import { DriverError } from "../../drivers/errors";
import { NODE_PATTERN, serverOps } from "../../server/server-views";
import { defineAction } from "../define-action";
import { connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  clientId: z.string().regex(/^\d{1,20}$/, "A client id is a number"),
  /** What the person saw, for the audit entry: the client's address and name. */
  address: z.string().max(300).optional(),
  node: z.string().regex(NODE_PATTERN).optional(),
});

/**
 * CLIENT KILL ID on the connection's server (or one cluster node): admins only, audited. Refused on read-only
 * connections although no data changes: read-only means hands off the server, and a killed client is
 * somebody's dropped connection.
 */
export const killClient = defineAction({
  name: "server.client-kill",
  input,
  permission: "server.manage",
  audited: true,
  connection: "write",
  run: async ({ clientId, address, node }, ctx) => {
    const ops = serverOps(ctx.connection);
    if (!ops.killClient) throw new DriverError("UNSUPPORTED", "This connection has no client list.");
    ctx.audit.detail = { clientId, ...(address ? { address } : {}), ...(node ? { node } : {}) };
    const killed = await ops.killClient(clientId, { node });
    if (!killed) throw new DriverError("NOT_FOUND", `No client ${clientId} is connected (it may have gone already).`);
    return { killed };
  },
});
