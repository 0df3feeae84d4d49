"use server";

import { z } from "zod";
import { ttlMsSchema } from "../../ttl";
import { indexKeyAdded } from "../../server/keys/keyspace-index";
import { changeKey, collectionsOf } from "../../server/keys/value-action";
import { defineAction } from "../define-action";
import { bytesSchema, connectionIdSchema } from "../schemas";

const pair = z.object({ field: bytesSchema, value: bytesSchema });
const scored = z.object({ member: bytesSchema, score: z.number().finite() });

const content = z.discriminatedUnion("type", [
  z.object({ type: z.literal("string"), value: bytesSchema, flags: z.number().int().min(0).max(0xffffffff).optional() }),
  z.object({ type: z.literal("hash"), entries: z.array(pair).min(1) }),
  z.object({ type: z.literal("list"), items: z.array(bytesSchema).min(1) }),
  z.object({ type: z.literal("set"), members: z.array(bytesSchema).min(1) }),
  z.object({ type: z.literal("zset"), members: z.array(scored).min(1) }),
  z.object({ type: z.literal("stream"), fields: z.array(pair).min(1) }),
]);

const input = z.object({
  connectionId: connectionIdSchema,
  key: bytesSchema.refine((key) => key.length > 0, "A key needs at least one byte"),
  content,
  ttlMs: ttlMsSchema.nullable(),
});

/** Creates a key; an existing key is never replaced (ALREADY_EXISTS). */
export const createKey = defineAction({
  name: "keys.create",
  input,
  permission: "keys.write",
  audited: true,
  connection: "write",
  run: async ({ key, content, ttlMs }, ctx) => {
    ctx.audit.detail = { type: content.type, ttlMs };
    await changeKey(ctx, key, async (driver) => {
      if (content.type === "string") {
        await driver.write(key, content.value, { ifAbsent: true, ttlMs, flags: content.flags });
      } else {
        await collectionsOf(driver).create(key, content, { ttlMs, ifAbsent: true });
      }
    });
    indexKeyAdded(ctx.connection.scope, key);
    return { created: true };
  },
});
