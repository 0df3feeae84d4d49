"use client";

import { useState } from "react";
import { inputClass } from "@/components/ui/field";
import { ttlSecondsTextSchema } from "@/lib/ttl";

/** A TTL typed in seconds: the text, the milliseconds it asks for, and whether it can be sent. */
interface TtlField {
  text: string;
  setText: (text: string) => void;
  /** Milliseconds, or null when the field is empty (no expiry) or invalid. */
  ttlMs: number | null;
  valid: boolean;
  /** Why the text is not a TTL; null while it is one (or empty where empty is allowed). */
  error: string | null;
}

/**
 * The state of a `<TtlInput>`, validated by the same `ttlMsSchema` the actions use. With `optional`, an
 * empty field is valid and means no expiry.
 */
export function useTtlField(initial: string, { optional = false }: { optional?: boolean } = {}): TtlField {
  const [text, setText] = useState(initial);
  if (optional && text.trim() === "") return { text, setText, ttlMs: null, valid: true, error: null };
  const parsed = ttlSecondsTextSchema.safeParse(text);
  return parsed.success
    ? { text, setText, ttlMs: parsed.data, valid: true, error: null }
    : { text, setText, ttlMs: null, valid: false, error: parsed.error.issues[0]?.message ?? "Not a TTL." };
}

/** The one TTL field: whole seconds, at most 10 years; the label is the visible text, `ariaLabel` the name tests and readers use. */
export function TtlInput({
  field,
  label,
  ariaLabel,
  placeholder,
  disabled,
  className,
  labelClassName,
  inputClassName,
}: {
  field: TtlField;
  label: string;
  ariaLabel?: string;
  placeholder?: string;
  disabled?: boolean;
  className?: string;
  labelClassName?: string;
  inputClassName?: string;
}) {
  // An empty field is not flagged while it is being filled in; the submit button stays disabled.
  const showError = !disabled && field.error !== null && field.text.trim() !== "";
  return (
    <label className={className}>
      <span className={labelClassName}>{label}</span>
      <input
        className={`${inputClass} ${inputClassName ?? ""}`}
        inputMode="numeric"
        value={field.text}
        disabled={disabled}
        onChange={(e) => field.setText(e.target.value)}
        placeholder={placeholder}
        aria-label={ariaLabel}
        aria-invalid={showError || undefined}
        title={showError ? (field.error ?? undefined) : undefined}
      />
    </label>
  );
}
