import { NextResponse } from "next/server";
import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { withUser } from "@/lib/auth/guard";
import { toWire, COLLECTION_PAGE_ITEMS, STRING_PAGE_BYTES, type WireReply } from "@/lib/browser/value-wire";
import { loadConnection } from "@/lib/connections/load";
import { errorResponse, failureResponse } from "@/lib/browser/respond";

const MAX_STRING_PAGE = 4 * 1024 * 1024;
const MAX_COLLECTION_PAGE = 1000;

const body = z.object({
  key: bytesSchema,
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).optional(),
  cursor: z.string().max(200).optional(),
});

function reply(payload: WireReply): NextResponse {
  return NextResponse.json(payload, { headers: { "cache-control": "no-store" } });
}

/**
 * One page of one key. POST because the key travels in the body: keys can be large and binary, and a
 * URL would both cap and log them.
 */
export const POST = withUser("viewer", async (_signedIn, request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return errorResponse("INVALID_ARGUMENT", "The request names no valid key.");
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
  const { key, offset, cursor } = parsed.data;
  const driver = connection.driver();
  try {
    // One call whatever the key's type: `bytes` sizes a string page, `limit` a collection page, so the driver
    // answers in one round trip instead of describing the key first.
    const wanted = parsed.data.limit;
    const read = await driver.read(key, {
      offset,
      cursor,
      bytes: Math.min(wanted ?? STRING_PAGE_BYTES, MAX_STRING_PAGE),
      limit: Math.min(wanted ?? COLLECTION_PAGE_ITEMS, MAX_COLLECTION_PAGE),
    });
    return reply({ ok: true, read: toWire(read) });
  } catch (error) {
    return failureResponse(error);
  }
});
