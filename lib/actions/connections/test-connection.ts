"use server";

import { z } from "zod";
import { profileFields } from "../../connections/profile-input";
import { addressOf, secretsForTest, testProfile } from "../../connections/store";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { connectionIdSchema } from "../schemas";

/**
 * "Test connection" in the form: pings with the fields as typed. Secrets left unchanged are taken from the
 * saved profile `id` — only while the address is the saved one, so a test cannot carry a stored password to
 * another server. Audited: a test sends credentials somewhere.
 */
export const testConnection = defineAction({
  name: "connections.test",
  input: z.object({ id: connectionIdSchema.optional(), profile: profileFields }),
  permission: "connections.manage",
  audited: true,
  run: async ({ id, profile }, ctx) => {
    ctx.audit.detail = { id: id ?? null, name: profile.name, kind: profile.kind, address: addressOf(profile.settings) };
    const stored = id ? await db().connectionProfile.findUnique({ where: { id } }) : null;
    if (id && !stored) throw new Refusal("NOT_FOUND", "That connection does not exist.");
    const { secrets, fromStore } = secretsForTest(profile, stored);
    ctx.audit.detail.storedSecrets = fromStore;
    ctx.audit.detail.typedSecrets = Object.keys(secrets).filter((name) => !fromStore.includes(name));
    const result = await testProfile(profile, secrets);
    return { latencyMs: Math.round(result.latencyMs * 10) / 10, version: result.version };
  },
});
