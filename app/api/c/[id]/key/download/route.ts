import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { loadConnection } from "@/lib/connections/load";
import { openValueDownload } from "@/lib/browser/value-download";
import { isDriverError } from "@/lib/drivers/errors";

function failure(code: string, message: string, status: number): NextResponse {
  return NextResponse.json({ ok: false, code, message }, { status });
}

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
  const keyField = form?.get("key");
  if (typeof keyField !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(keyField)) return failure("INVALID_ARGUMENT", "The request names no valid key.", 400);
  const key = Buffer.from(keyField, "base64");
  const connection = await loadConnection(id);
  if (!connection) return failure("NOT_FOUND", "That connection does not exist.", 404);

  let download;
  try {
    download = await openValueDownload(connection.driver(), key);
  } catch (error) {
    if (!isDriverError(error)) throw error;
    const status = error.code === "NOT_FOUND" ? 404 : error.code === "WRONG_TYPE" ? 409 : 502;
    return failure(error.code, error.message, status);
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
