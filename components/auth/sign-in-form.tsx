"use client";

import { useActionState } from "react";
import { signIn } from "@/lib/actions/auth/sign-in";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { useFormFeedback } from "../ui/use-form-feedback";

export function SignInForm({ next }: { next?: string }) {
  const [state, submit, pending] = useActionState(
    async (_previous: Awaited<ReturnType<typeof signIn>> | null, form: FormData) =>
      signIn({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), next }),
    null,
  );
  const feedback = useFormFeedback(state, submit);
  return (
    <form onSubmit={feedback.onSubmit} onChange={feedback.onChange} className="space-y-4">
      <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus error={feedback.fieldError("email")} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required error={feedback.fieldError("password")} />
      {feedback.formError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {feedback.formError}
        </p>
      )}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
