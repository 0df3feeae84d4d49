import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { clientAddressOf, isLoopback } from "@/lib/auth/request-origin";
import { ensureSetupToken } from "@/lib/auth/setup-token";
import { ensureAdminFromEnvironment } from "@/lib/users/first-admin";

export const metadata: Metadata = { title: "Create the admin account" };

/** Only reachable while no user exists; afterwards it sends everyone to sign in. */
export default async function SetupPage() {
  if (await ensureAdminFromEnvironment()) redirect("/login");
  const needsToken = !isLoopback(clientAddressOf(await headers()));
  // Normally written at server start; made here too, should the file have been removed since.
  if (needsToken) ensureSetupToken();
  return (
    <>
      <h1 className="mb-1 text-lg font-semibold">Create the admin account</h1>
      <p className="mb-5 text-sm text-slate-500">
        Cacheboard has no users yet. This account can add connections and invite others; this page disappears
        once it exists.
      </p>
      <SetupForm needsToken={needsToken} />
    </>
  );
}
