"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { undoAuditEntry } from "@/lib/actions/audit/undo-audit-entry";
import { queryKeys } from "@/lib/query-keys";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { useToast } from "../ui/toast";

/** Undo, and when the key changed since the entry, the conflict message with an explicit "undo anyway". */
export function UndoButton({ entryId, connectionId, keyText }: { entryId: number; connectionId: string; keyText: string }) {
  const [conflict, setConflict] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();

  const run = (force: boolean) =>
    start(async () => {
      const result = await undoAuditEntry({ connectionId, entryId, force });
      if (result.ok) {
        setConflict(null);
        toast(result.data.restored === "deleted" ? `Undone: ${keyText} was removed again.` : `Undone: ${keyText} is back as it was.`, "success");
        await queryClient.invalidateQueries({ queryKey: queryKeys.connection(connectionId) });
        router.refresh();
      } else if (result.code === "CONFLICT") {
        setConflict(result.message);
      } else {
        toast({ code: result.code, message: result.message }, "error");
      }
    });

  return (
    <>
      <Button size="sm" variant="secondary" disabled={pending} onClick={() => run(false)}>
        {pending ? "Undoing…" : "Undo this change"}
      </Button>
      {conflict && (
        <p role="alert" className="text-xs text-amber-700 dark:text-amber-400">
          Conflict: the key has changed since.
        </p>
      )}
      <ConfirmDialog
        open={conflict !== null}
        title="The key has changed since"
        confirmLabel="Undo anyway"
        busy={pending}
        onCancel={() => setConflict(null)}
        onConfirm={() => run(true)}
      >
        {conflict}
      </ConfirmDialog>
    </>
  );
}
