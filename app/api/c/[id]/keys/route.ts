import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { keyPage } from "@/lib/server/keys/key-page";
import { MAX_PAGE_ROWS } from "@/lib/wire/key-page";
import type { LoadedConnection } from "@/lib/connections/load";
import { defineDirectRoute, defineRoute } from "@/lib/server/route";

const KEY_TYPES = ["string", "hash", "list", "set", "zset", "stream"] as const;

const pageFields = {
  /** Opaque; carries a few leftover keys of the last scan step (see `keyPage`). */
  cursor: z.string().max(2048).optional(),
  type: z.enum(KEY_TYPES).optional(),
};

type PageQuery = {
  cursor?: string;
  type?: (typeof KEY_TYPES)[number];
  limit?: number;
  match?: string;
  prefix?: Buffer;
  exact?: Buffer;
};

function answer(connection: LoadedConnection, signal: AbortSignal, { match, prefix, exact, ...rest }: PageQuery) {
  return keyPage(connection.driver(), {
    ...rest,
    match: match ? Buffer.from(match, "utf8") : undefined,
    prefix: prefix && prefix.length > 0 ? prefix : undefined,
    exact: exact && exact.length > 0 ? exact : undefined,
    pace: connection.scanPace,
    signal,
  });
}

/**
 * One page of keys; the body carries the prefix and the exact key as base64, since keys are bytes. The list
 * asks for a page at every scroll: the direct lane answers it (app/api/direct-lane.ts).
 */
export const POST = defineDirectRoute({
  permission: "keys.read",
  connection: "load",
  body: z.object({
    ...pageFields,
    /** Glob text in Redis MATCH syntax (UTF-8). */
    match: z.string().max(4096).optional(),
    /** base64 of the namespace prefix. */
    prefix: bytesSchema.optional(),
    /** base64 of one exact key. */
    exact: bytesSchema.optional(),
    limit: z.number().int().min(1).max(MAX_PAGE_ROWS).optional(),
  }),
  handler: ({ connection, signal, body }) => answer(connection, signal, body),
});

/** The same page for shareable URLs: `?cursor=&q=<glob>&ns=<base64url prefix>&exact=<base64url key>&type=&limit=`. */
export const GET = defineRoute({
  permission: "keys.read",
  connection: "load",
  query: z.object({
    ...pageFields,
    q: z.string().max(4096).optional(),
    ns: bytesSchema.optional(),
    exact: bytesSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_ROWS).optional(),
  }),
  handler: ({ connection, signal, query: { q, ns, type, ...rest } }) =>
    answer(connection, signal, { ...rest, type: type || undefined, match: q || undefined, prefix: ns }),
});
