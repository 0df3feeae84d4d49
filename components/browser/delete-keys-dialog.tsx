"use client";

import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { deleteKeys } from "@/lib/actions/keys/delete-keys";
import { paramToBase64 } from "@/lib/wire/keys";
import { keysConfirmation } from "@/lib/confirmation";
import { keyFromParam } from "@/lib/wire/keys";
import { plural } from "@/lib/plural";
import { rowArray, type RowList } from "./key-rows";

/** Keys to delete from the list, and the filter they stand for when "Select all matching" chose them. */
export interface DeleteRequest {
  params: string[];
  pattern?: string;
}

/** Confirms and runs a delete from the key list: one key by name, or many with the filter they matched. */
export function DeleteKeysDialog({
  connectionId,
  request,
  rows,
  production,
  onClose,
  onDeleted,
}: {
  connectionId: string;
  request: DeleteRequest | null;
  /** The list's rows, to name a single key. */
  rows: RowList;
  /** Production connections ask for the keys to be typed. */
  production: boolean;
  onClose: () => void;
  onDeleted: (params: string[]) => void;
}) {
  const toast = useToast();
  const [deleting, setDeleting] = useState(false);
  const typed = !production || !request ? undefined : keysConfirmation(request.params.map(keyFromParam));
  const single = request && request.params.length === 1 ? rowArray(rows).find((r) => r.param === request.params[0]) : undefined;

  const runDelete = async () => {
    if (!request) return;
    setDeleting(true);
    const result = await deleteKeys({ connectionId, keys: request.params.map(paramToBase64), pattern: request.pattern, confirm: typed });
    setDeleting(false);
    onClose();
    if (!result.ok) {
      toast({ code: result.code, message: result.message }, "error");
      return;
    }
    toast(`Deleted ${plural(result.data.deleted, "key")}.`, "success");
    onDeleted(request.params);
  };

  return (
    <ConfirmDialog
      open={request !== null}
      title={request && request.params.length === 1 ? "Delete this key?" : `Delete ${plural(request?.params.length ?? 0, "key")}?`}
      confirmLabel="Delete"
      typed={typed}
      busy={deleting}
      onConfirm={() => void runDelete()}
      onCancel={onClose}
    >
      {request && request.params.length === 1 ? (
        <span className="font-mono break-all">{single?.text ?? "the selected key"}</span>
      ) : (
        <span>
          {plural(request?.params.length ?? 0, "key")}
          {request?.pattern ? ` matching ${request.pattern}` : ""} will be deleted. This cannot be undone from here; the audit log keeps one entry for the whole
          deletion.
        </span>
      )}
    </ConfirmDialog>
  );
}
