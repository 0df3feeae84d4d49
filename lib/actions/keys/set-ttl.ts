"use server";

import { z } from "zod";
import { ttlMsSchema } from "../../ttl";
import { changeKey } from "../../server/keys/value-action";
import { keyConfirmation } from "../../confirmation";
import { confirmationSchema, requireConfirmation } from "../confirmation";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema,
  ttlMs: ttlMsSchema,
  /** Needed on production connections for a TTL under a second ("expire now"), which deletes the key. */
  confirm: confirmationSchema,
});

/** Shorter than any TTL the editor offers: only "expire now" asks for it. */
const EXPIRES_NOW_MS = 1000;

export const setTtl = defineAction({
  name: "keys.set-ttl",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, ttlMs, confirm }, ctx) => {
    if (ttlMs < EXPIRES_NOW_MS) requireConfirmation(ctx, confirm, keyConfirmation(key));
    ctx.audit.detail = { ttlMs };
    await changeKey(ctx, key, (driver) => driver.expire(key, ttlMs));
    return { ttlMs };
  },
});
