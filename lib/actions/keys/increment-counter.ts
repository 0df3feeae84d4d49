"use server";

import { z } from "zod";
import { changeKey } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  delta: z.number().finite().refine((delta) => delta !== 0, "The step cannot be zero"),
});

/** Adds `delta` on the server; the driver says whether that is atomic (`capabilities.atomicCounters`). */
export const incrementCounter = defineAction({
  name: "keys.increment",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, delta }, ctx) => {
    ctx.audit.detail = { delta };
    const value = await changeKey(ctx, key, (driver) => driver.increment(key, delta));
    return { value };
  },
});
