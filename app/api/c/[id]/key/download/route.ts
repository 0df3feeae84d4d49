import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { openValueDownload } from "@/lib/server/keys/value-download";
import { defineRoute } from "@/lib/server/route";

/** A filename a browser accepts for any key: the key's printable ASCII, everything else replaced. */
function filenameFor(key: Buffer): string {
  const base = key.toString("latin1").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 120);
  return `${base || "value"}.bin`;
}

/**
 * The whole string value of a key as a file, streamed in ranges (`openValueDownload`). Posted from a form so
 * the browser's own download handling takes the stream, and so a key of any length travels in the body.
 */
export const POST = defineRoute({
  permission: "keys.read",
  connection: "load",
  invalid: "The request names no valid key",
  body: z.object({ key: bytesSchema }),
  bodyFormat: "form",
  handler: async ({ body: { key }, connection }) => {
    const download = await openValueDownload(connection.driver(), key);
    return new Response(download.stream, {
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(download.total),
        "content-disposition": `attachment; filename="${filenameFor(key)}"`,
        "cache-control": "no-store",
      },
    });
  },
});
