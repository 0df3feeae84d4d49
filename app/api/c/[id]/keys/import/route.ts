import { storeUpload } from "@/lib/server/transfer/upload";
import { defineRoute } from "@/lib/server/route";

/**
 * Receives an export file as the raw request body, written to a temporary file as it arrives (never held in
 * memory), and answers what it holds: the header, the number of keys, whether it is complete. The preview
 * and the import (server actions, as jobs) then read it by its upload id.
 */
export const POST = defineRoute({
  permission: "keys.import",
  connection: "load",
  handler: async ({ signedIn: { user }, request, connection }) => {
    return storeUpload(request.body, { connectionId: connection.profile.id, userId: user.id });
  },
});
