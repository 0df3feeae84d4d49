import { bytesSchema } from "@/lib/actions/schemas";
import { withUser } from "@/lib/auth/guard";
import { errorResponse, failureResponse } from "@/lib/browser/respond";
import { loadConnection } from "@/lib/connections/load";
import { openValueDownload } from "@/lib/browser/value-download";

/** A filename a browser accepts for any key: the key's printable ASCII, everything else replaced. */
function filenameFor(key: Buffer): string {
  const base = key.toString("latin1").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 120);
  return `${base || "value"}.bin`;
}

/**
 * The whole string value of a key as a file, streamed in ranges (`openValueDownload`). Posted from a form so
 * the browser's own download handling takes the stream, and so a key of any length travels in the body.
 */
export const POST = withUser("viewer", async (_signedIn, request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const form = await request.formData().catch(() => null);
  const keyField = bytesSchema.safeParse(form?.get("key"));
  if (!keyField.success) return errorResponse("INVALID_ARGUMENT", "The request names no valid key.");
  const key = keyField.data;
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");

  let download;
  try {
    download = await openValueDownload(connection.driver(), key);
  } catch (error) {
    return failureResponse(error);
  }

  return new Response(download.stream, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(download.total),
      "content-disposition": `attachment; filename="${filenameFor(key)}"`,
      "cache-control": "no-store",
    },
  });
});
