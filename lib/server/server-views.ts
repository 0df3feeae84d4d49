import "server-only";
import type { LoadedConnection } from "../connections/load";
import { DriverError } from "../drivers/errors";
import type { ServerOps } from "../drivers/server-ops";

/** The Server tab's operations of a connection's driver; UNSUPPORTED where its backend offers none. */
export function serverOps(connection: LoadedConnection): ServerOps {
  const ops = connection.driver().server;
  if (!ops || connection.driver().capabilities.serverViews.length === 0) {
    throw new DriverError("UNSUPPORTED", "This connection offers no server views.");
  }
  return ops;
}

/** `host:port` of a cluster node, as the node selector sends it. */
export const NODE_PATTERN = /^[^\s]{1,255}:\d{1,5}$/;
