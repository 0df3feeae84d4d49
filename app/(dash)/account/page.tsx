import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/users/change-password-form";
import { requirePageUser } from "@/lib/auth/guard";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const { user } = await requirePageUser();
  return (
    <div className="mx-auto max-w-md space-y-6 p-6">
      <div>
        <h1 className="text-xl font-semibold">Account</h1>
        <p className="mt-1 text-sm text-slate-500">
          {user.email} · {user.role}
        </p>
      </div>
      <section>
        <h2 className="mb-3 font-semibold">Change your password</h2>
        <ChangePasswordForm />
      </section>
    </div>
  );
}
