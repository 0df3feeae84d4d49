"use client";

import { useReducer, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { createConnection } from "@/lib/actions/connections/create-connection";
import { testConnection } from "@/lib/actions/connections/test-connection";
import { updateConnection } from "@/lib/actions/connections/update-connection";
import { initialProfileDraft, profileDraftReducer, profileFromDraft, setting } from "@/lib/connections/form-draft";
import type { PublicProfile } from "@/lib/connections/load";
import type { ScanPaceDefaults } from "@/lib/connections/scan-pace";
import { parseAddress, withoutSecrets } from "@/lib/connections/parse-address";
import type { DriverKind } from "@/lib/drivers/types";
import { KINDS, kindLabel, kindOf } from "@/lib/kinds";
import type { SettingsDraft } from "@/lib/kinds/draft";
import type { KindSecret } from "@/lib/kinds/types";
import type { ErrorCode } from "@/lib/wire/errors";
import { ErrorText } from "@/components/ui/error-text";
import { Button } from "../ui/button";
import { Field, inputClass, SelectField } from "../ui/field";
import { BehaviourSection } from "./behaviour-section";
import { Check, Section, TextArea } from "./form-parts";
import { KindSection } from "./kind-sections";
import { SecretField } from "./secret-field";

/** What the form edits: a profile as the browser may see it; managed profiles never reach the form. */
type EditableProfile = Omit<PublicProfile, "managed">;

type TestState = { state: "idle" } | { state: "running" } | { state: "ok"; latencyMs: number; version: string | null } | { state: "failed"; code: ErrorCode; message: string };

/**
 * The connection form. The whole profile being edited is one draft (`lib/connections/form-draft.ts`), changed
 * only through its reducer; the kind's descriptor decides which sections, fields and secrets it shows.
 */
export function ConnectionForm({ profile, prefill, scanDefaults }: { profile?: EditableProfile; prefill?: string; scanDefaults: ScanPaceDefaults }) {
  const router = useRouter();
  const [draft, dispatch] = useReducer(profileDraftReducer, undefined, () => {
    const parsed = prefill ? parseAddress(prefill) : null;
    return initialProfileDraft(profile, parsed?.ok ? parsed.value : null);
  });
  const [paste, setPaste] = useState(prefill ?? "");
  const [pasteMessage, setPasteMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [test, setTest] = useState<TestState>({ state: "idle" });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, startSaving] = useTransition();

  const set = <K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]) => dispatch(setting(field, value));
  const settings = draft.settings;

  const applyPaste = () => {
    const result = parseAddress(paste);
    if (!result.ok) {
      setPasteMessage({ ok: false, text: result.message });
      return;
    }
    const found = result.value.secrets;
    dispatch({ type: "pasted", parsed: result.value });
    if (Object.keys(found).length) setPaste(withoutSecrets(paste));
    const label = kindLabel(result.value.kind);
    setPasteMessage({ ok: true, text: `Filled in as ${label}${Object.keys(found).length ? "; the password moved to its write-only field" : ""}.` });
  };

  const runTest = async () => {
    setTest({ state: "running" });
    const result = await testConnection({ id: profile?.id, profile: profileFromDraft(draft) });
    if (result.ok) setTest({ state: "ok", ...result.data });
    else setTest({ state: "failed", code: result.code, message: result.fieldErrors ? Object.values(result.fieldErrors).flat().join(" ") : result.message });
  };

  const save = () =>
    startSaving(async () => {
      setFormError(null);
      const data = { ...profileFromDraft(draft), name: draft.name.trim() };
      const result = profile ? await updateConnection({ id: profile.id, profile: data }) : await createConnection(data);
      if (result.ok) {
        router.push("/connections");
        router.refresh();
        return;
      }
      setErrors(result.fieldErrors ?? {});
      // The edit action takes the profile nested ({ id, profile }), so its problems arrive under `profile`
      // rather than per field: say them here (their messages name the field).
      const nested = result.fieldErrors?.profile?.join(" ");
      setFormError(result.fieldErrors ? `Some fields are not valid.${nested ? ` ${nested}` : ""}` : result.message);
    });

  const descriptor = kindOf(draft.kind);
  const settingsError = errors.settings?.join(" ");
  const secretFields = (section: KindSecret["section"]) =>
    descriptor.secrets
      .filter((secret) => secret.section === section)
      .map((secret) => (
        <SecretField
          key={secret.name}
          label={secret.label}
          multiline={secret.multiline}
          stored={profile?.secretsSet.includes(secret.name) ?? false}
          change={draft.secrets[secret.name]}
          onChange={(value) => dispatch({ type: "secret", name: secret.name, value })}
        />
      ));

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
          <Field label="Name" name="name" value={draft.name} onChange={(e) => dispatch({ type: "field", field: "name", value: e.target.value })} required error={errors.name?.[0]} />
          <SelectField label="Kind" value={draft.kind} onChange={(e) => dispatch({ type: "kind", kind: e.target.value as DriverKind })}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </SelectField>
        </div>

        <KindSection kind={draft.kind} part="address" draft={settings} set={set} />
        {settingsError && (
          <p role="alert" className="text-sm text-red-600 dark:text-red-400">
            {settingsError}
          </p>
        )}
      </Section>

      {descriptor.usernameHint !== null && (
        <Section title="Authentication">
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Username" value={settings.username} onChange={(e) => set("username", e.target.value)} hint={descriptor.usernameHint} />
            {secretFields("auth")}
            <KindSection kind={draft.kind} part="auth" draft={settings} set={set} />
          </div>
        </Section>
      )}

      {descriptor.tls && (
        <Section title="TLS">
          <Check label="Use TLS" checked={settings.tls} onChange={(v) => set("tls", v)} />
          {settings.tls && (
            <>
              <Check label="Verify the server certificate and host name" checked={settings.tlsVerify} onChange={(v) => set("tlsVerify", v)} />
              {!settings.tlsVerify && (
                <p role="alert" className="rounded-md border border-amber-400/50 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
                  Without verification anyone between Cacheboard and the server can read and change the traffic, passwords included. Use it only for test servers with self-signed certificates.
                </p>
              )}
              <Field label="Server name (SNI)" value={settings.tlsServername} onChange={(e) => set("tlsServername", e.target.value)} hint="When the certificate names a host other than the one connected to." />
              <TextArea label="CA certificate (PEM)" rows={3} value={settings.tlsCa} onChange={(e) => set("tlsCa", e.target.value)} hint="Empty: the system's trusted CAs." />
              <TextArea label="Client certificate (PEM)" rows={3} value={settings.tlsCert} onChange={(e) => set("tlsCert", e.target.value)} />
              {secretFields("tls")}
              <KindSection kind={draft.kind} part="tls" draft={settings} set={set} />
            </>
          )}
        </Section>
      )}

      <BehaviourSection draft={draft} dispatch={dispatch} errors={errors} scanDefaults={scanDefaults} />

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
