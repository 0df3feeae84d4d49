"use server";

import { z } from "zod";
import { changeKey } from "../../browser/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  ttlMs: z.number().int().positive().max(10 * 365 * 24 * 3600 * 1000),
});

export const setTtl = defineAction({
  name: "keys.set-ttl",
  input,
  role: "editor",
  audited: true,
  connection: "write",
  run: async ({ key, ttlMs }, ctx) => {
    ctx.audit.detail = { ttlMs };
    await changeKey(ctx, key, (driver) => driver.expire(key, ttlMs));
    return { ttlMs };
  },
});
