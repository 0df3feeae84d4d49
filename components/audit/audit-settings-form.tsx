"use client";

import { useActionState } from "react";
import { updateAuditSettings } from "@/lib/actions/audit/update-audit-settings";
import type { AppSettings } from "@/lib/settings";
import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { useFormFeedback } from "../ui/use-form-feedback";
import { plural } from "@/lib/plural";

function numberOrNull(value: FormDataEntryValue | null): number | null {
  const text = String(value ?? "").trim();
  return text === "" ? null : Number(text);
}

export function AuditSettingsForm({ settings, snapshotCapFromEnv }: { settings: AppSettings; snapshotCapFromEnv: number | null }) {
  const [state, submit, pending] = useActionState(
    async (_previous: Awaited<ReturnType<typeof updateAuditSettings>> | null, form: FormData) =>
      updateAuditSettings({
        auditRetentionDays: numberOrNull(form.get("days")),
        auditRetentionCount: numberOrNull(form.get("count")),
        auditSnapshotMaxBytes: numberOrNull(form.get("cap")),
      }),
    null,
  );
  const feedback = useFormFeedback(state, submit);
  return (
    <form onSubmit={feedback.onSubmit} onChange={feedback.onChange} className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Keep entries for (days)" name="days" inputMode="numeric" defaultValue={settings.auditRetentionDays ?? ""} placeholder="forever" error={feedback.fieldError("auditRetentionDays", "days")} />
        <Field label="Keep at most (entries)" name="count" inputMode="numeric" defaultValue={settings.auditRetentionCount ?? ""} placeholder="no limit" error={feedback.fieldError("auditRetentionCount", "count")} />
        <Field
          label="Snapshot size cap (bytes)"
          name="cap"
          inputMode="numeric"
          defaultValue={settings.auditSnapshotMaxBytes ?? ""}
          placeholder="1048576"
          disabled={snapshotCapFromEnv !== null}
          hint={snapshotCapFromEnv !== null ? `Set to ${snapshotCapFromEnv} by the environment.` : "Larger before/after values keep only a digest and cannot be undone."}
          error={feedback.fieldError("auditSnapshotMaxBytes", "cap")}
        />
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" size="sm" disabled={pending}>
          {pending ? "Saving…" : "Save retention"}
        </Button>
        {state?.ok && (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            Saved{state.data.pruned ? `; ${plural(state.data.pruned, "old entry", "old entries")} pruned` : ""}.
          </p>
        )}
        {feedback.formError && (
          <p role="alert" className="text-sm text-red-600">
            {feedback.formError}
          </p>
        )}
      </div>
    </form>
  );
}
