"use client";

import { startTransition, useEffect, useState, type FormEvent, type RefObject } from "react";

type Outcome = { ok: true } | Refusal;
type Refusal = { ok: false; message: string; fieldErrors?: Record<string, string[]> };

/**
 * What a form shows about its last submission, for forms run by `useActionState`.
 *
 * Submitting goes through `onSubmit` instead of `<form action>`: React resets a form after its action
 * runs, which would wipe what was typed whenever the server refused it. And an error belongs to the
 * value it was about: once that field is changed (`onChange` on the form sees every field's change), its
 * error is hidden until the next submission; any change hides the form-wide message. With
 * `resetOnSuccess` (the form's ref), an accepted submission empties the form for the next entry.
 */
export function useFormFeedback<S extends Outcome | null>(
  state: S,
  dispatch: (form: FormData) => void,
  options: { resetOnSuccess?: RefObject<HTMLFormElement | null> } = {},
) {
  const { resetOnSuccess } = options;
  useEffect(() => {
    if (state?.ok) resetOnSuccess?.current?.reset();
  }, [state, resetOnSuccess]);
  const [seen, setSeen] = useState<{ state: S; edited: ReadonlySet<string> }>({ state, edited: new Set() });
  let edited = seen.edited;
  if (seen.state !== state) {
    // A new outcome: every error it carries is shown again.
    edited = new Set();
    setSeen({ state, edited });
  }
  const failed: Refusal | null = state && !state.ok ? (state as Refusal) : null;
  return {
    onSubmit(event: FormEvent<HTMLFormElement>) {
      event.preventDefault();
      const form = new FormData(event.currentTarget);
      startTransition(() => dispatch(form));
    },
    onChange(event: FormEvent<HTMLFormElement>) {
      const name = (event.target as HTMLInputElement).name || "*";
      setSeen((current) => (current.edited.has(name) ? current : { state: current.state, edited: new Set(current.edited).add(name) }));
    },
    /** The error of `field` (the server's name for it), unless its input (`input`, default the same) changed since. */
    fieldError(field: string, input = field): string | undefined {
      return edited.has(input) ? undefined : failed?.fieldErrors?.[field]?.[0];
    },
    /** The message of a refusal that is not about one field, until anything changes. */
    formError: failed && !failed.fieldErrors && edited.size === 0 ? failed.message : undefined,
  };
}
