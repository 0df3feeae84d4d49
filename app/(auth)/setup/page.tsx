import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { ensureAdminFromEnvironment } from "@/lib/users/first-admin";

export const metadata: Metadata = { title: "Create the admin account" };

/** Only reachable while no user exists; afterwards it sends everyone to sign in. */
export default async function SetupPage() {
  if (await ensureAdminFromEnvironment()) redirect("/login");
  return (
    <>
      <h1 className="mb-1 text-lg font-semibold">Create the admin account</h1>
      <p className="mb-5 text-sm text-slate-500">
        Cacheboard has no users yet. This account can add connections and invite others; this page disappears
        once it exists.
      </p>
      <SetupForm />
    </>
  );
}
