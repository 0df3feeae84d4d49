"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createConnection } from "@/lib/actions/connections/create-connection";
import { testConnection } from "@/lib/actions/connections/test-connection";
import { updateConnection } from "@/lib/actions/connections/update-connection";
import { ENVIRONMENT_COLORS, ENVIRONMENT_NAMES, SECRET_LABELS, VALUE_FORMATS, type EnvironmentName } from "@/lib/connections/kinds";
import { KINDS, kindLabel, kindOf } from "@/lib/kinds";
import { draftFromParsed, draftFromSettings, settingsFromDraft, EMPTY_DRAFT, type FormDraft } from "@/lib/connections/form-draft";
import type { PublicProfile } from "@/lib/connections/load";
import { parseAddress, withoutSecrets } from "@/lib/connections/parse-address";
import { DEFAULT_TIMEOUT_MS } from "@/lib/drivers/limits";
import type { DriverKind } from "@/lib/drivers/types";
import { Button } from "../ui/button";
import { Field, inputClass, SelectField } from "../ui/field";
import { Check, Section, TextArea } from "./form-parts";
import { KindSection } from "./kind-sections";
import { SecretField } from "./secret-field";
import { ErrorText } from "@/components/ui/error-text";

/** What the form edits: a profile as the browser may see it; managed profiles never reach the form. */
type EditableProfile = Omit<PublicProfile, "managed">;

type TestState = { state: "idle" } | { state: "running" } | { state: "ok"; latencyMs: number; version: string | null } | { state: "failed"; code: string; message: string };

export function ConnectionForm({ profile, prefill }: { profile?: EditableProfile; prefill?: string }) {
  const router = useRouter();
  const initialParse = prefill ? parseAddress(prefill) : null;
  const [kind, setKind] = useState<DriverKind>(profile?.kind ?? (initialParse?.ok ? initialParse.value.kind : "redis"));
  const [draft, setDraft] = useState<FormDraft>(
    profile ? draftFromSettings(profile.kind, profile.settings) : initialParse?.ok ? draftFromParsed(initialParse.value) : EMPTY_DRAFT,
  );
  const [name, setName] = useState(profile?.name ?? "");
  const [environment, setEnvironment] = useState<EnvironmentName>((profile?.environment as EnvironmentName) ?? "development");
  const [color, setColor] = useState<string | null>(profile?.color ?? null);
  const [readOnly, setReadOnly] = useState(profile?.readOnly ?? false);
  const [timeoutMs, setTimeoutMs] = useState(String(profile?.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  const [keyDelimiter, setKeyDelimiter] = useState(profile?.keyDelimiter ?? ":");
  const [defaultFormat, setDefaultFormat] = useState(profile?.defaultFormat ?? "auto");
  const [overrides, setOverrides] = useState(profile?.formatOverrides ?? []);
  const [consoleAllow, setConsoleAllow] = useState((profile?.consoleAllow ?? []).join(", "));
  const [secrets, setSecrets] = useState<Record<string, string | undefined>>({});
  const [paste, setPaste] = useState(prefill ?? "");
  const [pasteMessage, setPasteMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [test, setTest] = useState<TestState>({ state: "idle" });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, startSaving] = useTransition();

  const set = <K extends keyof FormDraft>(field: K, value: FormDraft[K]) => setDraft((d) => ({ ...d, [field]: value }));

  const applyPaste = () => {
    const result = parseAddress(paste);
    if (!result.ok) {
      setPasteMessage({ ok: false, text: result.message });
      return;
    }
    const { kind: parsedKind, secrets: found } = result.value;
    setKind(parsedKind);
    setDraft(draftFromParsed(result.value));
    setSecrets((s) => ({ ...s, ...found }));
    if (Object.keys(found).length) setPaste(withoutSecrets(paste));
    const label = kindLabel(parsedKind);
    setPasteMessage({ ok: true, text: `Filled in as ${label}${Object.keys(found).length ? "; the password moved to its write-only field" : ""}.` });
  };

  const payload = () => ({
    name: name.trim() || "unnamed",
    kind,
    settings: settingsFromDraft(kind, draft),
    secrets: Object.fromEntries(Object.entries(secrets).filter(([secret]) => kindOf(kind).secretNames.includes(secret))),
    readOnly,
    environment,
    color,
    keyDelimiter,
    defaultFormat: defaultFormat as (typeof VALUE_FORMATS)[number],
    formatOverrides: overrides.filter((o) => o.prefix.trim()).map((o) => ({ prefix: o.prefix, format: o.format as (typeof VALUE_FORMATS)[number] })),
    timeoutMs: Number(timeoutMs) || 0,
    consoleAllow: consoleAllow.split(/[,\n]/).map((s) => s.trim()).filter(Boolean),
  });

  const runTest = async () => {
    setTest({ state: "running" });
    const result = await testConnection({ id: profile?.id, profile: payload() });
    if (result.ok) setTest({ state: "ok", ...result.data });
    else setTest({ state: "failed", code: result.code, message: result.fieldErrors ? Object.values(result.fieldErrors).flat().join(" ") : result.message });
  };

  const save = () =>
    startSaving(async () => {
      setFormError(null);
      const data = { ...payload(), name: name.trim() };
      const result = profile ? await updateConnection({ id: profile.id, profile: data }) : await createConnection(data);
      if (result.ok) {
        router.push("/connections");
        router.refresh();
        return;
      }
      setErrors(result.fieldErrors ?? {});
      setFormError(result.fieldErrors ? "Some fields are not valid." : result.message);
    });

  const descriptor = kindOf(kind);
  const secretNames = descriptor.secretNames;
  const settingsError = errors.settings?.join(" ");

  return (
    <form
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
      onChange={(event) => {
        // A field's error goes once that field changes; unnamed fields are the address settings.
        const field = (event.target as Element).getAttribute("name") || "settings";
        setErrors((current) => (field in current ? Object.fromEntries(Object.entries(current).filter(([name]) => name !== field)) : current));
        setFormError(null);
      }}
    >
      {profile?.secretsUnreadable && (
        <p role="alert" className="rounded-md border border-red-300/60 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          Secret unreadable — re-enter it. The stored secret cannot be decrypted with this server&apos;s secret key (it was sealed with another key). Enter it again below; saving without it drops the unreadable one.
        </p>
      )}
      <Section title="Paste a URL">
        <div className="flex gap-2">
          <input
            aria-label="Connection URL or server list"
            className={`${inputClass} font-mono`}
            placeholder="redis://user@host:6379/0 · rediss://… · redis+sentinel://h1,h2/mymaster · host:11211,host2:11211"
            value={paste}
            onChange={(e) => setPaste(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                applyPaste();
              }
            }}
          />
          <Button type="button" variant="secondary" className="shrink-0 whitespace-nowrap" onClick={applyPaste} disabled={!paste.trim()}>
            Fill in
          </Button>
        </div>
        {pasteMessage && (
          <p role={pasteMessage.ok ? "status" : "alert"} className={`text-sm ${pasteMessage.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-600 dark:text-red-400"}`}>
            {pasteMessage.text}
          </p>
        )}
      </Section>

      <Section title="Connection">
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} required error={errors.name?.[0]} />
          <SelectField label="Kind" value={kind} onChange={(e) => setKind(e.target.value as DriverKind)}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </SelectField>
        </div>

        <KindSection kind={kind} part="address" draft={draft} set={set} />
        {settingsError && (
          <p role="alert" className="text-sm text-red-600 dark:text-red-400">
            {settingsError}
          </p>
        )}
      </Section>

      {descriptor.usernameHint !== null && (
        <Section title="Authentication">
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Username" value={draft.username} onChange={(e) => set("username", e.target.value)} hint={descriptor.usernameHint} />
            {secretNames
              .filter((secret) => secret !== "tlsKey")
              .map((secret) => (
                <SecretField
                  key={secret}
                  label={SECRET_LABELS[secret] ?? secret}
                  stored={profile?.secretsSet.includes(secret) ?? false}
                  change={secrets[secret]}
                  onChange={(value) => setSecrets((s) => ({ ...s, [secret]: value }))}
                />
              ))}
            <KindSection kind={kind} part="auth" draft={draft} set={set} />
          </div>
        </Section>
      )}

      {descriptor.tls && (
        <Section title="TLS">
          <Check label="Use TLS" checked={draft.tls} onChange={(v) => set("tls", v)} />
          {draft.tls && (
            <>
              <Check label="Verify the server certificate and host name" checked={draft.tlsVerify} onChange={(v) => set("tlsVerify", v)} />
              {!draft.tlsVerify && (
                <p role="alert" className="rounded-md border border-amber-400/50 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
                  Without verification anyone between Cacheboard and the server can read and change the traffic, passwords included. Use it only for test servers with self-signed certificates.
                </p>
              )}
              <Field label="Server name (SNI)" value={draft.tlsServername} onChange={(e) => set("tlsServername", e.target.value)} hint="When the certificate names a host other than the one connected to." />
              <TextArea label="CA certificate (PEM)" rows={3} value={draft.tlsCa} onChange={(e) => set("tlsCa", e.target.value)} hint="Empty: the system's trusted CAs." />
              <TextArea label="Client certificate (PEM)" rows={3} value={draft.tlsCert} onChange={(e) => set("tlsCert", e.target.value)} />
              <SecretField
                label={SECRET_LABELS.tlsKey}
                multiline
                stored={profile?.secretsSet.includes("tlsKey") ?? false}
                change={secrets.tlsKey}
                onChange={(value) => setSecrets((s) => ({ ...s, tlsKey: value }))}
              />
              <KindSection kind={kind} part="tls" draft={draft} set={set} />
            </>
          )}
        </Section>
      )}

      <Section title="Behaviour">
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField label="Environment" value={environment} onChange={(e) => setEnvironment(e.target.value as EnvironmentName)}>
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
                value={color ?? ENVIRONMENT_COLORS[environment]}
                onChange={(e) => setColor(e.target.value)}
              />
              {color && (
                <Button type="button" size="sm" variant="ghost" onClick={() => setColor(null)}>
                  Use the environment&apos;s
                </Button>
              )}
            </span>
          </label>
          <Field label="Timeout (ms)" name="timeoutMs" inputMode="numeric" value={timeoutMs} onChange={(e) => setTimeoutMs(e.target.value)} error={errors.timeoutMs?.[0]} />
        </div>
        <Check label="Read-only" checked={readOnly} onChange={setReadOnly} hint="Nobody can change keys through Cacheboard on this connection." />
        {kindOf(kind).console.dialect === "redis" && (
          <Field
            label="Console: deny-listed commands opened to admins"
            name="consoleAllow"
            value={consoleAllow}
            onChange={(e) => setConsoleAllow(e.target.value)}
            placeholder="e.g. FLUSHDB, CONFIG SET"
            hint="Comma-separated. FLUSHALL, FLUSHDB, CONFIG SET, KEYS on a big keyspace and the rest of the deny list stay closed unless named here."
            error={errors.consoleAllow?.[0]}
          />
        )}
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Key delimiter" name="keyDelimiter" value={keyDelimiter} onChange={(e) => setKeyDelimiter(e.target.value)} hint="Splits keys into the namespace tree." error={errors.keyDelimiter?.[0]} />
          <SelectField label="Default value format" value={defaultFormat} onChange={(e) => setDefaultFormat(e.target.value)}>
            {VALUE_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f === "auto" ? "detect" : f}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="space-y-2">
          <span className="text-sm font-medium text-slate-700 dark:text-slate-300">Format per namespace</span>
          {overrides.map((o, i) => (
            <div key={i} className="flex gap-2">
              <input
                aria-label={`Prefix ${i + 1}`}
                className={`${inputClass} font-mono`}
                placeholder="sessions:"
                value={o.prefix}
                onChange={(e) => setOverrides((list) => list.map((x, j) => (j === i ? { ...x, prefix: e.target.value } : x)))}
              />
              <select
                aria-label={`Format ${i + 1}`}
                className={`${inputClass} w-40`}
                value={o.format}
                onChange={(e) => setOverrides((list) => list.map((x, j) => (j === i ? { ...x, format: e.target.value } : x)))}
              >
                {VALUE_FORMATS.filter((f) => f !== "auto").map((f) => (
                  <option key={f}>{f}</option>
                ))}
              </select>
              <Button type="button" variant="ghost" onClick={() => setOverrides((list) => list.filter((_, j) => j !== i))} aria-label={`Remove prefix ${i + 1}`}>
                ✕
              </Button>
            </div>
          ))}
          <Button type="button" size="sm" variant="secondary" onClick={() => setOverrides((list) => [...list, { prefix: "", format: "json" }])}>
            Add a prefix
          </Button>
        </div>
      </Section>

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={saving}>
          {saving ? "Saving…" : profile ? "Save changes" : "Add connection"}
        </Button>
        <Button type="button" variant="secondary" onClick={runTest} disabled={test.state === "running"}>
          {test.state === "running" ? "Testing…" : "Test connection"}
        </Button>
        <div aria-live="polite" data-testid="test-result" className="text-sm">
          {test.state === "ok" && (
            <span className="text-emerald-700 dark:text-emerald-400">
              Connected in {test.latencyMs} ms{test.version ? ` · server ${test.version}` : ""}
            </span>
          )}
          {test.state === "failed" && (
            <ErrorText className="text-red-600 dark:text-red-400" failure={test} />
          )}
        </div>
      </div>
      {formError && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {formError}
        </p>
      )}
    </form>
  );
}
