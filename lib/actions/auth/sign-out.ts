"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { endSession } from "../../auth/session";
import { defineAction } from "../define-action";

export const signOut = defineAction({
  name: "auth.sign-out",
  input: z.object({}),
  permission: "account.manage",
  audited: true,
  run: async () => {
    await endSession();
    redirect("/login");
  },
});
