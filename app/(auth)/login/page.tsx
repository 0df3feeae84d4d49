import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeNextPath } from "@/lib/auth/next-path";
import { currentUser } from "@/lib/auth/session";
import { ensureAdminFromEnvironment } from "@/lib/users/first-admin";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  if (!(await ensureAdminFromEnvironment())) redirect("/setup");
  const next = safeNextPath((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <>
      <h1 className="mb-1 text-lg font-semibold">Sign in</h1>
      <p className="mb-5 text-sm text-slate-500">to administer your caches.</p>
      <SignInForm next={next === "/" ? undefined : next} />
    </>
  );
}
