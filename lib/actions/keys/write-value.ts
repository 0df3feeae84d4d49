"use server";

import { z } from "zod";
import { changeKey } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  value: bytesSchema,
  /** Digest of the value the editor loaded: a value changed since is refused with CONFLICT, never overwritten. */
  expect: z.string().min(1).max(64),
  flags: z.number().int().min(0).max(0xffffffff).optional(),
});

/** Saves an edited string value. No `ttlMs`, so the key keeps its expiry. */
export const writeValue = defineAction({
  name: "keys.write-value",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, value, expect, flags }, ctx) => {
    ctx.audit.detail = { size: value.length };
    return changeKey(ctx, key, (driver) => driver.write(key, value, { expect, flags }));
  },
});
