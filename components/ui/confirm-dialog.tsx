"use client";

import { useState } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { inputClass } from "./field";

/**
 * Asks before a destructive step. With `typed`, the person must type that text (a key name, a count,
 * the connection's name) — used on production connections and for namespace operations.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = true,
  typed,
  busy = false,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  danger?: boolean;
  typed?: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState("");
  const ready = !typed || text === typed;
  return (
    <Dialog
      open={open}
      title={title}
      onClose={() => {
        setText("");
        onCancel();
      }}
    >
      <div className="space-y-4 text-sm">
        <div className="text-slate-600 dark:text-slate-300">{children}</div>
        {typed && (
          <label className="block space-y-1">
            <span className="text-slate-600 dark:text-slate-300">
              Type <code className="rounded bg-slate-100 px-1 font-mono text-slate-900 dark:bg-slate-800 dark:text-slate-100">{typed}</code> to confirm
            </span>
            <input className={`${inputClass} font-mono`} value={text} onChange={(e) => setText(e.target.value)} autoFocus aria-label="Confirmation text" />
          </label>
        )}
        <div className="flex justify-end gap-2">
          <Button
            variant="secondary"
            onClick={() => {
              setText("");
              onCancel();
            }}
          >
            Cancel
          </Button>
          <Button
            variant={danger ? "danger" : "primary"}
            disabled={!ready || busy}
            onClick={() => {
              setText("");
              onConfirm();
            }}
          >
            {busy ? "Working…" : confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
