import { DriverError } from "@/lib/drivers/errors";
import { defineRoute } from "@/lib/server/route";

/** The server's databases with their key counts (INFO keyspace), for the key browser's db switcher. */
export const GET = defineRoute({
  permission: "keys.read",
  connection: "load",
  handler: async ({ connection }) => {
    const driver = connection.driver();
    if (!driver.capabilities.databases || !driver.server?.databases) throw new DriverError("UNSUPPORTED", "This connection has no numbered databases.");
    return { ok: true, ...(await driver.server.databases()) };
  },
});
