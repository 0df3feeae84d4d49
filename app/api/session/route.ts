import { defineRoute } from "@/lib/server/route";

/** Who is signed in (401 when nobody). */
export const GET = defineRoute({
  role: "viewer",
  handler: async ({ signedIn: { user } }) => ({ ok: true, user }),
});
