"use client";

import { useActionState } from "react";
import { createFirstAdminAccount } from "@/lib/actions/auth/create-first-admin";
import { Button } from "../ui/button";
import { Field } from "../ui/field";

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
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={submit} className="space-y-4">
      {needsToken && (
        <Field
          label="Setup token"
          name="setupToken"
          autoComplete="off"
          spellCheck={false}
          required
          hint="Printed on the server's console at start, and kept in the file setup-token beside the database."
          error={errors?.setupToken?.[0]}
        />
      )}
      <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus error={errors?.email?.[0]} />
      <Field label="Name" name="name" autoComplete="name" error={errors?.name?.[0]} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 10 characters." error={errors?.password?.[0]} />
      <Field label="Repeat password" name="confirm" type="password" autoComplete="new-password" required error={errors?.confirm?.[0]} />
      {state && !state.ok && !errors && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {state.message}
        </p>
      )}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Creating…" : "Create admin and sign in"}
      </Button>
    </form>
  );
}
