"use client";

import { useActionState } from "react";
import { changePassword } from "@/lib/actions/account/change-password";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

export function ChangePasswordForm() {
  const [state, submit, pending] = useActionState(
    async (_previous: Awaited<ReturnType<typeof changePassword>> | null, form: FormData) =>
      changePassword({ current: String(form.get("current") ?? ""), password: String(form.get("password") ?? ""), confirm: String(form.get("confirm") ?? "") }),
    null,
  );
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={submit} className="space-y-3">
      <Field label="Current password" name="current" type="password" autoComplete="current-password" required error={errors?.current?.[0]} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" required hint="At least 10 characters." error={errors?.password?.[0]} />
      <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required error={errors?.confirm?.[0]} />
      {state && !state.ok && !errors && (
        <p role="alert" className="text-sm text-red-600">
          {state.message}
        </p>
      )}
      {state?.ok && (
        <p role="status" className="text-sm text-emerald-600">
          Password changed. Your other sessions were signed out.
        </p>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
