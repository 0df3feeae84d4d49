import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { toWire } from "@/lib/server/keys/to-wire";
import { COLLECTION_PAGE_ITEMS, STRING_PAGE_BYTES, type WireReply } from "@/lib/wire/value";
import { defineDirectRoute } from "@/lib/server/route";

const MAX_STRING_PAGE = 4 * 1024 * 1024;
const MAX_COLLECTION_PAGE = 1000;

/**
 * One page of one key. POST because the key travels in the body: keys can be large and binary, and a
 * URL would both cap and log them. The most frequent request: the direct lane answers it (app/api/direct-lane.ts).
 */
export const POST = defineDirectRoute({
  permission: "keys.read",
  connection: "load",
  invalid: "The request names no valid key",
  body: z.object({
    key: bytesSchema,
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).optional(),
    cursor: z.string().max(200).optional(),
  }),
  handler: async ({ body: { key, offset, cursor, limit }, connection }): Promise<WireReply> => {
    // One call whatever the key's type: `bytes` sizes a string page, `limit` a collection page, so the driver
    // answers in one round trip instead of describing the key first.
    const read = await connection.driver().read(key, {
      offset,
      cursor,
      bytes: Math.min(limit ?? STRING_PAGE_BYTES, MAX_STRING_PAGE),
      limit: Math.min(limit ?? COLLECTION_PAGE_ITEMS, MAX_COLLECTION_PAGE),
    });
    return { ok: true, read: toWire(read) };
  },
});
