"use client";

import { useActionState, useRef } from "react";
import { changePassword } from "@/lib/actions/account/change-password";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { useFormFeedback } from "../ui/use-form-feedback";

export function ChangePasswordForm() {
  const [state, submit, pending] = useActionState(
    async (_previous: Awaited<ReturnType<typeof changePassword>> | null, form: FormData) =>
      changePassword({ current: String(form.get("current") ?? ""), password: String(form.get("password") ?? ""), confirm: String(form.get("confirm") ?? "") }),
    null,
  );
  const form = useRef<HTMLFormElement>(null);
  const feedback = useFormFeedback(state, submit, { resetOnSuccess: form });
  return (
    <form ref={form} onSubmit={feedback.onSubmit} onChange={feedback.onChange} className="space-y-3">
      <Field label="Current password" name="current" type="password" autoComplete="current-password" required error={feedback.fieldError("current")} />
      <Field label="New password" name="password" type="password" autoComplete="new-password" required hint="At least 10 characters." error={feedback.fieldError("password")} />
      <Field label="Repeat the new password" name="confirm" type="password" autoComplete="new-password" required error={feedback.fieldError("confirm")} />
      {feedback.formError && (
        <p role="alert" className="text-sm text-red-600">
          {feedback.formError}
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
