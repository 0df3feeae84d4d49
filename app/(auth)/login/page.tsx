import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { currentUser } from "@/lib/auth/session";
import { ensureAdminFromEnvironment } from "@/lib/users/first-admin";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (!(await ensureAdminFromEnvironment())) redirect("/setup");
  if (await currentUser()) redirect("/");
  const { next } = await searchParams;
  return (
    <>
      <h1 className="mb-1 text-lg font-semibold">Sign in</h1>
      <p className="mb-5 text-sm text-slate-500">to administer your caches.</p>
      <SignInForm next={next} />
    </>
  );
}
