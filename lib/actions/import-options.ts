import { z } from "zod";
import { ttlMsSchema } from "../ttl";
import { bytesSchema, connectionIdSchema } from "./schemas";

/** What the preview and the import of an uploaded export file take: the upload, the policy, the TTLs and a prefix rewrite. */
export const importInputSchema = z.object({
  connectionId: connectionIdSchema,
  uploadId: z.string().uuid(),
  policy: z.enum(["skip", "overwrite", "fail"]),
  ttl: z.discriminatedUnion("mode", [
    z.object({ mode: z.literal("keep") }),
    z.object({ mode: z.literal("absolute") }),
    z.object({ mode: z.literal("none") }),
    z.object({ mode: z.literal("set"), ttlMs: ttlMsSchema }),
  ]),
  rewrite: z.object({ from: bytesSchema.refine((p) => p.length > 0, "Give the prefix to replace"), to: bytesSchema }).optional(),
});
