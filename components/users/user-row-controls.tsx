"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteUser } from "@/lib/actions/users/delete-user";
import { resetUserPassword } from "@/lib/actions/users/reset-user-password";
import { updateUser } from "@/lib/actions/users/update-user";
import { ROLES, type Role } from "@/lib/auth/roles";
import type { ErrorCode } from "@/lib/wire/errors";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Dialog } from "../ui/dialog";
import { Field, inputClass } from "../ui/field";
import { useToast } from "../ui/toast";

const ROLE_EFFECTS: Record<Role, string> = {
  viewer: "A viewer can read keys and values but change nothing.",
  editor: "An editor can read and change keys on connections that are not read-only.",
  admin: "An admin can do everything, including managing users, connections and the audit settings.",
};

interface Row {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
}

export function UserRowControls({ user, self }: { user: Row; self: boolean }) {
  const [pending, start] = useTransition();
  const [resetting, setResetting] = useState(false);
  const [removing, setRemoving] = useState(false);
  /** A role picked in the menu, applied only once confirmed. */
  const [newRole, setNewRole] = useState<Role | null>(null);
  const [password, setPassword] = useState("");
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const toast = useToast();
  const router = useRouter();

  const run = (call: () => Promise<{ ok: true } | { ok: false; code: ErrorCode; message: string }>, done: string) =>
    start(async () => {
      const result = await call();
      if (result.ok) {
        toast(done, "success");
        router.refresh();
      } else toast({ code: result.code, message: result.message }, "error");
    });

  return (
    <div className="flex items-center justify-end gap-2 whitespace-nowrap">
      <select
        aria-label={`Role of ${user.email}`}
        className={`${inputClass} max-w-28 py-1`}
        value={newRole ?? user.role}
        disabled={pending}
        onChange={(e) => {
          const role = e.target.value as Role;
          if (role !== user.role) setNewRole(role);
        }}
      >
        {ROLES.map((role) => (
          <option key={role}>{role}</option>
        ))}
      </select>
      <Button
        size="sm"
        variant="secondary"
        disabled={pending}
        onClick={() => run(() => updateUser({ id: user.id, disabled: !user.disabled }), `${user.email} is ${user.disabled ? "enabled" : "disabled"}.`)}
      >
        {user.disabled ? "Enable" : "Disable"}
      </Button>
      <Button size="sm" variant="secondary" disabled={pending} onClick={() => setResetting(true)}>
        Reset password
      </Button>
      {!self && (
        <Button size="sm" variant="ghost" className="text-red-600 dark:text-red-400" disabled={pending} onClick={() => setRemoving(true)}>
          Remove
        </Button>
      )}
      <Dialog
        open={resetting}
        title={`New password for ${user.email}`}
        onClose={() => {
          setResetting(false);
          setPassword("");
          setPasswordError(null);
        }}
      >
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            start(async () => {
              const result = await resetUserPassword({ id: user.id, password });
              if (result.ok) {
                setResetting(false);
                setPassword("");
                setPasswordError(null);
                toast(`Password of ${user.email} reset; their sessions were ended.`, "success");
              } else setPasswordError(result.fieldErrors?.password?.[0] ?? result.message);
            });
          }}
        >
          <Field label="New password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} error={passwordError ?? undefined} />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setResetting(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              Set password
            </Button>
          </div>
        </form>
      </Dialog>
      <ConfirmDialog
        open={newRole !== null}
        title={`Make ${user.email} ${newRole && /^[aeiou]/.test(newRole) ? "an" : "a"} ${newRole ?? ""}?`}
        confirmLabel="Change role"
        danger={newRole === "admin" || user.role === "admin"}
        busy={pending}
        onCancel={() => setNewRole(null)}
        onConfirm={() => {
          const role = newRole!;
          setNewRole(null);
          run(() => updateUser({ id: user.id, role }), `${user.email} is now ${role}.`);
        }}
      >
        {newRole ? ROLE_EFFECTS[newRole] : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={removing}
        title={`Remove ${user.email}?`}
        confirmLabel="Remove user"
        busy={pending}
        onCancel={() => setRemoving(false)}
        onConfirm={() => {
          setRemoving(false);
          run(() => deleteUser({ id: user.id }), `${user.email} was removed.`);
        }}
      >
        They can no longer sign in. Their audit entries stay.
      </ConfirmDialog>
    </div>
  );
}
