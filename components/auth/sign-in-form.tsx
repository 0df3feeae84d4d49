"use client";

import { useActionState } from "react";
import { signIn } from "@/lib/actions/auth/sign-in";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

export function SignInForm({ next }: { next?: string }) {
  const [state, submit, pending] = useActionState(
    async (_previous: Awaited<ReturnType<typeof signIn>> | null, form: FormData) =>
      signIn({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), next }),
    null,
  );
  const fieldErrors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={submit} className="space-y-4">
      <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus error={fieldErrors?.email?.[0]} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required error={fieldErrors?.password?.[0]} />
      {state && !state.ok && !fieldErrors && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {state.message}
        </p>
      )}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
