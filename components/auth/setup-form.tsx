"use client";

import { useActionState } from "react";
import { createFirstAdminAccount } from "@/lib/actions/auth/create-first-admin";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { useFormFeedback } from "../ui/use-form-feedback";

/** `needsToken`: the visitor is not on the server's own machine, so the one-time setup token is asked for. */
export function SetupForm({ needsToken }: { needsToken: boolean }) {
  const [state, submit, pending] = useActionState(
    async (_previous: Awaited<ReturnType<typeof createFirstAdminAccount>> | null, form: FormData) =>
      createFirstAdminAccount({
        email: String(form.get("email") ?? ""),
        name: String(form.get("name") ?? ""),
        password: String(form.get("password") ?? ""),
        confirm: String(form.get("confirm") ?? ""),
        setupToken: needsToken ? String(form.get("setupToken") ?? "") : undefined,
      }),
    null,
  );
  const feedback = useFormFeedback(state, submit);
  return (
    <form onSubmit={feedback.onSubmit} onChange={feedback.onChange} className="space-y-4">
      {needsToken && (
        <Field
          label="Setup token"
          name="setupToken"
          autoComplete="off"
          spellCheck={false}
          required
          hint="Printed on the server's console at start, and kept in the file setup-token beside the database."
          error={feedback.fieldError("setupToken")}
        />
      )}
      <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus error={feedback.fieldError("email")} />
      <Field label="Name" name="name" autoComplete="name" error={feedback.fieldError("name")} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 10 characters." error={feedback.fieldError("password")} />
      <Field label="Repeat password" name="confirm" type="password" autoComplete="new-password" required error={feedback.fieldError("confirm")} />
      {feedback.formError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {feedback.formError}
        </p>
      )}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Creating…" : "Create admin and sign in"}
      </Button>
    </form>
  );
}
