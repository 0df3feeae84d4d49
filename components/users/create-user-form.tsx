"use client";

import { useActionState } from "react";
import { createUser } from "@/lib/actions/users/create-user";
import { ROLES, type Role } from "@/lib/auth/roles";
import { Button } from "../ui/button";
import { Field, SelectField } from "../ui/field";

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
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={submit} className="space-y-3">
      <Field label="Email" name="email" type="email" required error={errors?.email?.[0]} />
      <Field label="Name" name="name" error={errors?.name?.[0]} />
      <SelectField label="Role" name="role" defaultValue="viewer">
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </SelectField>
      <Field label="Initial password" name="password" type="password" autoComplete="new-password" required hint="At least 10 characters; they can change it later." error={errors?.password?.[0]} />
      {state && !state.ok && !errors && <p role="alert" className="text-sm text-red-600">{state.message}</p>}
      {state?.ok && <p role="status" className="text-sm text-emerald-600">User created.</p>}
      <Button type="submit" disabled={pending}>{pending ? "Adding…" : "Add user"}</Button>
    </form>
  );
}
