import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { loadConnection } from "@/lib/connections/load";
import { isDriverError } from "@/lib/drivers/errors";

/** Small enough that a 50 MB value never sits in memory whole, large enough to keep round trips few. */
const CHUNK_BYTES = 4 * 1024 * 1024;

function failure(code: string, message: string, status: number): NextResponse {
  return NextResponse.json({ ok: false, code, message }, { status });
}

/** A filename a browser accepts for any key: the key's printable ASCII, everything else replaced. */
function filenameFor(key: Buffer): string {
  const base = key.toString("latin1").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 120);
  return `${base || "value"}.bin`;
}

/**
 * The whole string value of a key as a file, read from the server in ranges. Posted from a form so the
 * browser's own download handling takes the stream; each range is checked against the first range's
 * digest so a value rewritten mid-download is reported instead of stitched together from two versions.
 */
export const POST = withUser("viewer", async (_signedIn, request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const form = await request.formData().catch(() => null);
  const keyField = form?.get("key");
  if (typeof keyField !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(keyField)) return failure("INVALID_ARGUMENT", "The request names no valid key.", 400);
  const key = Buffer.from(keyField, "base64");
  const connection = await loadConnection(id);
  if (!connection) return failure("NOT_FOUND", "That connection does not exist.", 404);
  const driver = connection.driver();

  let first;
  try {
    first = await driver.read(key, { offset: 0, limit: CHUNK_BYTES });
  } catch (error) {
    if (!isDriverError(error)) throw error;
    const driverError = error;
    return failure(driverError.code, driverError.message, driverError.code === "NOT_FOUND" ? 404 : 502);
  }
  if (first.type !== "string") return failure("WRONG_TYPE", "Only string values can be downloaded.", 409);
  const { total, digest } = first;
  let offset = 0;
  let pending: Buffer | null = first.value;

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!pending) {
          const next = await driver.read(key, { offset, limit: CHUNK_BYTES });
          if (next.type !== "string" || next.digest !== digest) {
            controller.error(new Error("The value changed during the download."));
            return;
          }
          pending = next.value;
        }
        const chunk: Buffer = pending;
        pending = null;
        if (chunk.length === 0) {
          controller.close();
          return;
        }
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        offset += chunk.length;
        if (offset >= total) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(total),
      "content-disposition": `attachment; filename="${filenameFor(key)}"`,
      "cache-control": "no-store",
    },
  });
});
