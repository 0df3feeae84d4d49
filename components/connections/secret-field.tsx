"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { inputClass } from "../ui/field";

/**
 * A write-only secret: the stored value never reaches the browser, so a set secret shows as "set" with
 * Replace and Clear. `change` undefined keeps the stored one, "" clears it, text replaces it.
 */
export function SecretField({
  label,
  stored,
  change,
  onChange,
  multiline = false,
}: {
  label: string;
  stored: boolean;
  change: string | undefined;
  onChange: (value: string | undefined) => void;
  multiline?: boolean;
}) {
  const [replacing, setReplacing] = useState(false);
  const clearing = stored && change === "";
  const showInput = !stored || replacing;
  const inputProps = {
    "aria-label": label,
    autoComplete: "off",
    value: change ?? "",
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange(e.target.value === "" ? undefined : e.target.value),
  };
  return (
    <div className="space-y-1">
      <div className={`flex items-center justify-between gap-2 ${stored ? "min-h-7" : ""}`}>
        <span className="text-sm font-medium text-slate-700 dark:text-slate-300">{label}</span>
        {stored && (
          <span className="flex items-center gap-1">
            {!replacing && (
              <span
                className={`rounded px-1.5 py-0.5 text-xs ${clearing ? "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100" : "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200"}`}
              >
                {clearing ? "will be cleared" : "set"}
              </span>
            )}
            {!replacing && !clearing && (
              <>
                <Button type="button" size="sm" variant="ghost" onClick={() => setReplacing(true)}>
                  Replace
                </Button>
                <Button type="button" size="sm" variant="ghost" onClick={() => onChange("")}>
                  Clear
                </Button>
              </>
            )}
            {(replacing || clearing) && (
              <Button
                type="button"
                size="sm"
                variant="ghost"
                onClick={() => {
                  setReplacing(false);
                  onChange(undefined);
                }}
              >
                Keep the stored one
              </Button>
            )}
          </span>
        )}
      </div>
      {showInput &&
        (multiline ? (
          <textarea {...inputProps} rows={3} className={`${inputClass} font-mono`} />
        ) : (
          <input {...inputProps} type="password" autoComplete="new-password" className={inputClass} />
        ))}
    </div>
  );
}
