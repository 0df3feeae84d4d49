"use client";

import { useActionState, useRef } from "react";
import { createUser } from "@/lib/actions/users/create-user";
import { ROLES, type Role } from "@/lib/auth/roles";
import { Button } from "../ui/button";
import { Field, SelectField } from "../ui/field";
import { useFormFeedback } from "../ui/use-form-feedback";

export function CreateUserForm() {
  const [state, submit, pending] = useActionState(
    async (_previous: Awaited<ReturnType<typeof createUser>> | null, form: FormData) =>
      createUser({
        email: String(form.get("email") ?? ""),
        name: String(form.get("name") ?? ""),
        role: String(form.get("role")) as Role,
        password: String(form.get("password") ?? ""),
      }),
    null,
  );
  const form = useRef<HTMLFormElement>(null);
  const feedback = useFormFeedback(state, submit, { resetOnSuccess: form });
  return (
    <form ref={form} onSubmit={feedback.onSubmit} onChange={feedback.onChange} className="space-y-3">
      <Field label="Email" name="email" type="email" required error={feedback.fieldError("email")} />
      <Field label="Name" name="name" error={feedback.fieldError("name")} />
      <SelectField label="Role" name="role" defaultValue="viewer">
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </SelectField>
      <Field label="Initial password" name="password" type="password" autoComplete="new-password" required hint="At least 10 characters; they can change it later." error={feedback.fieldError("password")} />
      {feedback.formError && <p role="alert" className="text-sm text-red-600">{feedback.formError}</p>}
      {state?.ok && <p role="status" className="text-sm text-emerald-600">User created.</p>}
      <Button type="submit" disabled={pending}>{pending ? "Adding…" : "Add user"}</Button>
    </form>
  );
}
