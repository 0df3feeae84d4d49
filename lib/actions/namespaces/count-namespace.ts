"use server";

import { z } from "zod";
import { startNamespaceJob } from "../../server/keys/namespace-job";
import { defineAction } from "../define-action";
import { alsoPrefixesSchema, childStores } from "../child-stores";
import { bytesSchema, connectionIdSchema } from "../schemas";

/**
 * Starts counting the keys under a namespace prefix; poll the returned job for progress. With `withoutTtl`
 * the job's `affected` is how many of them have no expiry (the preview of "set a TTL on keys without one").
 */
export const countNamespace = defineAction({
  name: "namespaces.count",
  input: z.object({ connectionId: connectionIdSchema, prefix: bytesSchema, alsoPrefixes: alsoPrefixesSchema, withoutTtl: z.boolean().default(false) }),
  permission: "keys.read",
  audited: false,
  connection: "read",
  run: async ({ prefix, alsoPrefixes, withoutTtl }, ctx) => ({
    jobId: await startNamespaceJob({
      connection: ctx.connection,
      ctx,
      prefix,
      alsoPrefixes: childStores(prefix, alsoPrefixes),
      operation: { kind: withoutTtl ? "countNoTtl" : "count" },
    }),
  }),
});
