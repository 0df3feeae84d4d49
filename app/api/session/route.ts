import { defineRoute } from "@/lib/server/route";

/** Who is signed in (401 when nobody). */
export const GET = defineRoute({
  permission: "session.read",
  handler: async ({ signedIn: { user } }) => ({ ok: true, user }),
});
