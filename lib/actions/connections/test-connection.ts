"use server";

import { z } from "zod";
import { profileFields } from "../../connections/profile-input";
import { testProfile } from "../../connections/store";
import { db } from "../../db";
import { ActionRefusal, defineAction } from "../define-action";
import { connectionIdSchema } from "../schemas";

/**
 * "Test connection" in the form: pings with the fields as typed. Secrets left unchanged are taken from the
 * saved profile `id`, so editing a profile can be tested without re-entering its password.
 */
export const testConnection = defineAction({
  name: "connections.test",
  input: z.object({ id: connectionIdSchema.optional(), profile: profileFields }),
  role: "admin",
  audited: false,
  run: async ({ id, profile }) => {
    const stored = id ? await db().connectionProfile.findUnique({ where: { id } }) : null;
    if (id && !stored) throw new ActionRefusal("NOT_FOUND", "That connection does not exist.");
    const result = await testProfile(profile, stored);
    return { latencyMs: Math.round(result.latencyMs * 10) / 10, version: result.version };
  },
});
