"use client";

import { useState } from "react";
import { NamespaceDialog, type NamespaceOperation } from "@/components/browser/namespace-dialog";

/** What the person may do to a namespace from a report: absent for viewers and read-only connections. */
export interface NamespaceBulk {
  expire: boolean;
  persist: boolean;
  delete: boolean;
  /** `capabilities.atomicExpireIfNoTtl`, for the note in "Set TTL where none". */
  atomicMissingOnly: boolean;
}

/**
 * The bulk actions of a report's namespace row, as a small select that opens the same dialog as the key
 * browser's namespace menu (preview count, typed confirmation, progress, cancel, one audit entry).
 */
export function useNamespaceActions(connectionId: string, delimiter: string, bulk: NamespaceBulk | undefined) {
  const [open, setOpen] = useState<{ prefix: string; op: NamespaceOperation } | null>(null);
  const choices = (
    [
      ["expireMissing", "Set TTL where none…", bulk?.expire],
      ["persist", "Remove expiry…", bulk?.expire && bulk.persist],
      ["delete", "Delete all…", bulk?.delete],
    ] as const
  ).filter(([, , shown]) => shown);

  const menu = (prefix: string, label: string) =>
    choices.length === 0 ? null : (
      <select
        aria-label={`Actions on ${label}`}
        value=""
        onChange={(event) => {
          if (event.target.value) setOpen({ prefix, op: event.target.value as NamespaceOperation });
        }}
        className="w-24 rounded border border-slate-300 bg-white px-1 py-0.5 text-xs text-slate-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200"
      >
        <option value="">Actions…</option>
        {choices.map(([op, text]) => (
          <option key={op} value={op}>
            {text}
          </option>
        ))}
      </select>
    );

  const dialog = open && (
    <NamespaceDialog
      connectionId={connectionId}
      prefixParam={open.prefix}
      operation={open.op}
      canPersist={bulk?.persist ?? false}
      atomicMissingOnly={bulk?.atomicMissingOnly ?? true}
      delimiter={delimiter}
      onClose={() => setOpen(null)}
    />
  );
  return { shown: choices.length > 0, menu, dialog };
}
