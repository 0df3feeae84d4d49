import type { Dispatch } from "react";
import type { ProfileDraft, ProfileDraftAction } from "@/lib/connections/form-draft";
import { ENVIRONMENT_COLORS, ENVIRONMENT_NAMES, VALUE_FORMATS, type EnvironmentName, type PreferredFormat } from "@/lib/connections/profile-options";
import { kindOf } from "@/lib/kinds";
import { Button } from "../ui/button";
import { Field, inputClass, SelectField } from "../ui/field";
import { Check, Section } from "./form-parts";

/** The connection form's "Behaviour" section: what a profile sets whatever its kind. */
export function BehaviourSection({
  draft,
  dispatch,
  errors,
}: {
  draft: ProfileDraft;
  dispatch: Dispatch<ProfileDraftAction>;
  errors: Record<string, string[]>;
}) {
  const overrides = draft.formatOverrides;
  return (
    <Section title="Behaviour">
      <div className="grid gap-3 sm:grid-cols-3">
        <SelectField
          label="Environment"
          value={draft.environment}
          onChange={(e) => dispatch({ type: "field", field: "environment", value: e.target.value as EnvironmentName })}
        >
          {ENVIRONMENT_NAMES.map((env) => (
            <option key={env} value={env}>
              {env}
            </option>
          ))}
        </SelectField>
        <label className="block space-y-1">
          <span className="text-sm font-medium text-slate-700 dark:text-slate-300">Colour</span>
          <span className="flex items-center gap-2">
            <input
              type="color"
              aria-label="Colour"
              className="h-9 w-12 cursor-pointer rounded border border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900"
              value={draft.color ?? ENVIRONMENT_COLORS[draft.environment]}
              onChange={(e) => dispatch({ type: "field", field: "color", value: e.target.value })}
            />
            {draft.color && (
              <Button type="button" size="sm" variant="ghost" onClick={() => dispatch({ type: "field", field: "color", value: null })}>
                Use the environment&apos;s
              </Button>
            )}
          </span>
        </label>
        <Field
          label="Timeout (ms)"
          name="timeoutMs"
          inputMode="numeric"
          value={draft.timeoutMs}
          onChange={(e) => dispatch({ type: "field", field: "timeoutMs", value: e.target.value })}
          error={errors.timeoutMs?.[0]}
        />
      </div>
      <Check
        label="Read-only"
        checked={draft.readOnly}
        onChange={(value) => dispatch({ type: "field", field: "readOnly", value })}
        hint="Nobody can change keys through Cacheboard on this connection."
      />
      {kindOf(draft.kind).console.dialect === "redis" && (
        <Field
          label="Console: deny-listed commands opened to admins"
          name="consoleAllow"
          value={draft.consoleAllow}
          onChange={(e) => dispatch({ type: "field", field: "consoleAllow", value: e.target.value })}
          placeholder="e.g. FLUSHDB, CONFIG SET"
          hint="Comma-separated. FLUSHALL, FLUSHDB, CONFIG SET, KEYS on a big keyspace and the rest of the deny list stay closed unless named here."
          error={errors.consoleAllow?.[0]}
        />
      )}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Key delimiter"
          name="keyDelimiter"
          value={draft.keyDelimiter}
          onChange={(e) => dispatch({ type: "field", field: "keyDelimiter", value: e.target.value })}
          hint="Splits keys into the namespace tree."
          error={errors.keyDelimiter?.[0]}
        />
        <SelectField
          label="Default value format"
          value={draft.defaultFormat}
          onChange={(e) => dispatch({ type: "field", field: "defaultFormat", value: e.target.value as PreferredFormat })}
        >
          {VALUE_FORMATS.map((f) => (
            <option key={f} value={f}>
              {f === "auto" ? "detect" : f}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="space-y-2">
        <span className="block text-sm font-medium text-slate-700 dark:text-slate-300">Format per namespace</span>
        {overrides.map((o, i) => (
          <div key={i} className="flex gap-2">
            <input
              aria-label={`Prefix ${i + 1}`}
              className={`${inputClass} font-mono`}
              placeholder="sessions:"
              value={o.prefix}
              onChange={(e) => dispatch({ type: "override", index: i, prefix: e.target.value })}
            />
            <select
              aria-label={`Format ${i + 1}`}
              className={`${inputClass} w-40`}
              value={o.format}
              onChange={(e) => dispatch({ type: "override", index: i, format: e.target.value as PreferredFormat })}
            >
              {VALUE_FORMATS.filter((f) => f !== "auto").map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
            <Button type="button" variant="ghost" onClick={() => dispatch({ type: "removeOverride", index: i })} aria-label={`Remove prefix ${i + 1}`}>
              ✕
            </Button>
          </div>
        ))}
        <Button type="button" size="sm" variant="secondary" onClick={() => dispatch({ type: "addOverride" })}>
          Add a prefix
        </Button>
      </div>
    </Section>
  );
}
