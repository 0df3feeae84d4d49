"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteConnection } from "@/lib/actions/connections/delete-connection";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { useToast } from "../ui/toast";

export function DeleteConnectionButton({ id, name }: { id: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [busy, start] = useTransition();
  const toast = useToast();
  const router = useRouter();
  return (
    <>
      <button type="button" className="text-red-600 hover:underline dark:text-red-400" onClick={() => setOpen(true)}>
        Delete
      </button>
      <ConfirmDialog
        open={open}
        title={`Delete ${name}?`}
        confirmLabel="Delete connection"
        typed={name}
        busy={busy}
        onCancel={() => setOpen(false)}
        onConfirm={() =>
          start(async () => {
            const result = await deleteConnection({ id });
            setOpen(false);
            if (!result.ok) toast({ code: result.code, message: result.message }, "error");
            else {
              toast(`Deleted ${name}.`, "success");
              router.refresh();
            }
          })
        }
      >
        The profile and its stored secrets are removed. The cache itself is not touched, and its audit entries stay.
      </ConfirmDialog>
    </>
  );
}
