"use server";

import { z } from "zod";
import { startSelectionJob } from "../../server/keys/selection-job";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

/** Starts counting which of the chosen keys exist without an expiry (the job's `affected`): a bulk TTL's preview. */
export const countKeysWithoutTtl = defineAction({
  name: "keys.count-without-ttl",
  input: z.object({ connectionId: connectionIdSchema, keys: z.array(bytesSchema).min(1).max(10_000) }),
  permission: "keys.read",
  audited: false,
  connection: "read",
  run: async ({ keys }, ctx) => ({ jobId: await startSelectionJob({ connection: ctx.connection, ctx, keys, operation: { kind: "countNoTtl" } }) }),
});
