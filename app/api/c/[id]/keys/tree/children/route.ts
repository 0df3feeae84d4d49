import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { fillLevel, readChildren } from "@/lib/server/keys/keyspace-index";
import { defineRoute } from "@/lib/server/route";
import { Refusal } from "@/lib/server/refusal";

const MAX_LIMIT = 10_000;

/**
 * A page of one namespace's children from the shared index: `prefix` (base64url; empty for the first
 * level), `offset`, `limit` and `filter` (text the label must contain).
 */
export const GET = defineRoute({
  permission: "keys.read",
  connection: "load",
  query: z.object({
    prefix: bytesSchema.default(Buffer.alloc(0)),
    offset: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(200),
    filter: z.string().max(1000).default(""),
  }),
  handler: async ({ connection, query: { prefix, offset, limit, filter } }) => {
    const page = readChildren(connection.scope, connection.profile.keyDelimiter, prefix, { offset, limit, filter });
    if (!page) throw new Refusal("NOT_FOUND", "The namespace index has no such namespace (rescan to look again).");
    return page;
  },
});

/**
 * `{ prefix }` (base64url): where the index capped that namespace's children, starts a scan of only its
 * keys that fills the level in; poll GET for `filling` to turn false.
 */
export const POST = defineRoute({
  permission: "keys.read",
  connection: "load",
  invalid: "prefix (base64url of a namespace) is required",
  body: z.object({ prefix: bytesSchema.refine((bytes) => bytes.length > 0, "empty") }),
  handler: async ({ connection, body: { prefix } }) => ({
    started: fillLevel({
      driver: connection.driver(),
      config: connection.driverConfig(),
      connectionId: connection.scope,
      delimiter: connection.profile.keyDelimiter,
      pace: connection.scanPace,
      prefix,
    }),
  }),
});
