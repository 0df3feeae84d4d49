import type { Dispatch } from "react";
import type { ProfileDraft, ProfileDraftAction } from "@/lib/connections/form-draft";
import { ENVIRONMENT_COLORS, ENVIRONMENT_NAMES, SCAN_COUNT_RANGE, SCAN_PAUSE_RANGE, VALUE_FORMATS, type EnvironmentName, type PreferredFormat } from "@/lib/connections/profile-options";
import type { ScanPaceDefaults } from "@/lib/connections/scan-pace";
import { formatCount } from "@/lib/format";
import { kindOf } from "@/lib/kinds";
import { Button } from "../ui/button";
import { Field, inputClass, SelectField } from "../ui/field";
import { Check, Section } from "./form-parts";

/** What is wrong with a typed pace value, said as it is typed (the server checks the same range on save). */
function paceProblem(typed: string, range: { min: number; max: number }, unit: string): string | undefined {
  if (typed.trim() === "") return undefined;
  const value = Number(typed);
  if (!Number.isInteger(value)) return `A whole number${unit}.`;
  if (value < range.min) return `At least ${formatCount(range.min)}${unit}.`;
  if (value > range.max) return `At most ${formatCount(range.max)}${unit}.`;
  return undefined;
}

/**
 * The scan pace of a kind whose walks are paced (its descriptor's `pacedScan`): keys per SCAN call and the pause
 * between calls, empty for the default, which the placeholders show for the environment chosen above.
 */
function ScanPaceFields({
  draft,
  dispatch,
  errors,
  defaults,
}: {
  draft: ProfileDraft;
  dispatch: Dispatch<ProfileDraftAction>;
  errors: Record<string, string[]>;
  defaults: ScanPaceDefaults;
}) {
  const here = defaults[draft.environment];
  const production = defaults.production.pauseMs;
  const elsewhere = defaults.development.pauseMs;
  return (
    <div className="space-y-2 border-t border-slate-100 pt-3 dark:border-slate-800" data-testid="scan-pace">
      <div>
        <span className="block text-sm font-medium text-slate-700 dark:text-slate-300">Scan pace</span>
        <p className="text-xs text-slate-500">
          How fast Cacheboard walks the whole keyspace: the namespace tree, analyses, sorts by size or TTL, namespace count, expire and delete, exports
          and searches. A longer pause is gentler on the cache&apos;s other clients, but the tree takes longer to fill in; fewer keys per call make shorter calls but more of them.
          Leave a field empty for the default.
        </p>
      </div>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Keys per SCAN call"
          name="scanCount"
          inputMode="numeric"
          value={draft.scanCount}
          placeholder={`${here.count} (default)`}
          onChange={(e) => dispatch({ type: "field", field: "scanCount", value: e.target.value })}
          hint={`SCAN's COUNT, ${formatCount(SCAN_COUNT_RANGE.min)}–${formatCount(SCAN_COUNT_RANGE.max)}. Smaller: shorter calls, more of them.`}
          error={errors.scanCount?.[0] ?? paceProblem(draft.scanCount, SCAN_COUNT_RANGE, "")}
        />
        <Field
          label="Pause between calls (ms)"
          name="scanPauseMs"
          inputMode="numeric"
          value={draft.scanPauseMs}
          placeholder={`${here.pauseMs} (default)`}
          onChange={(e) => dispatch({ type: "field", field: "scanPauseMs", value: e.target.value })}
          hint={`${formatCount(SCAN_PAUSE_RANGE.min)}–${formatCount(SCAN_PAUSE_RANGE.max)} ms.${production !== elsewhere ? ` By default production connections pause ${production} ms, others ${elsewhere}.` : ""}`}
          error={errors.scanPauseMs?.[0] ?? paceProblem(draft.scanPauseMs, SCAN_PAUSE_RANGE, " ms")}
        />
      </div>
    </div>
  );
}

/** The connection form's "Behaviour" section: what a profile sets whatever its kind, and the scan pace where the kind has one. */
export function BehaviourSection({
  draft,
  dispatch,
  errors,
  scanDefaults,
}: {
  draft: ProfileDraft;
  dispatch: Dispatch<ProfileDraftAction>;
  errors: Record<string, string[]>;
  scanDefaults: ScanPaceDefaults;
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
      {kindOf(draft.kind).pacedScan && <ScanPaceFields draft={draft} dispatch={dispatch} errors={errors} defaults={scanDefaults} />}
    </Section>
  );
}
