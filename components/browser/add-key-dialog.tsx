"use client";

import { kindOf } from "@/lib/kinds";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { createKey } from "@/lib/actions/keys/create-key";
import { CodecError, fromHex } from "@/lib/codecs";
import type { PublicProfile } from "@/lib/connections/load";
import type { Capabilities } from "@/lib/drivers/types";
import { bytesToBase64, keyToParam } from "@/lib/wire/keys";
import { NEW_VALUE_FORMATS, newValueBytes, type NewValueFormat } from "@/lib/codecs/edit/new-value";
import { TtlInput, useTtlField } from "./ttl-input";
import { runAction } from "./value-view/run-action";
import { ErrorText } from "@/components/ui/error-text";
import type { Failure } from "@/lib/error-text";

type NewType = "string" | "hash" | "list" | "set" | "zset" | "stream";

const typeNames: Record<NewType, string> = { string: "String", hash: "Hash", list: "List", set: "Set", zset: "Sorted set", stream: "Stream" };

const utf8 = (text: string) => bytesToBase64(new TextEncoder().encode(text));

/** Creates a key: a string in a Python-readable format, or (where the backend has types) a collection. */
export function AddKeyDialog({
  connectionId,
  capabilities,
  profile,
  open,
  onClose,
  onCreated,
}: {
  connectionId: string;
  capabilities: Capabilities;
  profile: PublicProfile;
  open: boolean;
  onClose: () => void;
  onCreated: (keyParam: string) => void;
}) {
  const toast = useToast();
  const [name, setName] = useState("");
  const [hexName, setHexName] = useState(false);
  const [type, setType] = useState<NewType>("string");
  const [format, setFormat] = useState<NewValueFormat>("text");
  const [value, setValue] = useState("");
  const [member, setMember] = useState("");
  const [score, setScore] = useState("0");
  const ttl = useTtlField("", { optional: true });
  const [error, setError] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const types: NewType[] = capabilities.types ? ["string", "hash", "list", "set", "zset", "stream"] : ["string"];
  const keyBytes = hexName ? fromHex(name) : new TextEncoder().encode(name);

  if (profile.readOnly) return null;

  function content() {
    switch (type) {
      case "string": {
        const bytes = newValueBytes(format, value);
        if (bytes.length === 0 && !capabilities.emptyValues) throw new CodecError("text", "This backend cannot store an empty value");
        return { type, value: bytesToBase64(bytes), flags: kindOf(profile.kind).newValueFlags(format) };
      }
      case "hash":
        return { type, entries: [{ field: utf8(member), value: utf8(value) }] };
      case "stream":
        return { type, fields: [{ field: utf8(member), value: utf8(value) }] };
      case "list":
        return { type, items: [utf8(value)] };
      case "set":
        return { type, members: [utf8(value)] };
      case "zset":
        return { type, members: [{ member: utf8(value), score: Number(score) }] };
    }
  }

  async function submit() {
    if (!keyBytes || keyBytes.length === 0) return setError({ code: "KEY_REQUIRED", message: "Enter a key name." });
    let body;
    try {
      body = content();
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      return setError({ code: "INVALID_ARGUMENT", message: e.message });
    }
    setError(null);
    setBusy(true);
    // Every refusal is shown in the dialog, where the person is looking, not in a toast behind it.
    const result = await runAction(toast, () => createKey({ connectionId, key: bytesToBase64(keyBytes), content: body, ttlMs: ttl.ttlMs }), "Key created", "all");
    setBusy(false);
    if (result.ok) {
      setName("");
      setValue("");
      onCreated(keyToParam(keyBytes));
    } else if (result.code === "ALREADY_EXISTS") setError({ code: result.code, message: "A key with this name exists already; it was left as it is." });
    else setError({ code: result.code, message: result.message });
  }

  const pairLabel = type === "hash" || type === "stream" ? "Field" : null;

  return (
    <Dialog open={open} title="Add a key" onClose={onClose} wide>
      <form
        className="space-y-3 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        onChange={() => setError(null)}
      >
        <div className="flex items-end gap-3">
          <label className="block flex-1 space-y-1">
            <span className="font-medium text-slate-700 dark:text-slate-300">Key</span>
            <input className={`${inputClass} font-mono`} value={name} onChange={(e) => setName(e.target.value)} autoFocus aria-label="Key" placeholder=":1:my-key" />
          </label>
          <label className="flex items-center gap-1 pb-2 text-xs text-slate-500">
            <input type="checkbox" checked={hexName} onChange={(e) => setHexName(e.target.checked)} /> hex
          </label>
        </div>
        <div className="flex flex-wrap gap-3">
          <label className="block space-y-1">
            <span className="font-medium text-slate-700 dark:text-slate-300">Type</span>
            <select className={inputClass} value={type} onChange={(e) => setType(e.target.value as NewType)} aria-label="Type">
              {types.map((t) => (
                <option key={t} value={t}>
                  {typeNames[t]}
                </option>
              ))}
            </select>
          </label>
          {type === "string" && (
            <label className="block space-y-1">
              <span className="font-medium text-slate-700 dark:text-slate-300">Format</span>
              <select className={inputClass} value={format} onChange={(e) => setFormat(e.target.value as NewValueFormat)} aria-label="Format">
                {Object.entries(NEW_VALUE_FORMATS).map(([f, label]) => (
                  <option key={f} value={f}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {capabilities.ttl && (
            <TtlInput
              field={ttl}
              label="TTL (seconds)"
              ariaLabel="TTL (seconds)"
              placeholder="no expiry"
              className="block space-y-1"
              labelClassName="font-medium text-slate-700 dark:text-slate-300"
              inputClassName="w-36!"
            />
          )}
        </div>
        {pairLabel && (
          <label className="block space-y-1">
            <span className="font-medium text-slate-700 dark:text-slate-300">First field</span>
            <input className={`${inputClass} font-mono`} value={member} onChange={(e) => setMember(e.target.value)} aria-label="Field" />
          </label>
        )}
        {type === "zset" && (
          <label className="block space-y-1">
            <span className="font-medium text-slate-700 dark:text-slate-300">Score</span>
            <input className={`${inputClass} w-36! font-mono`} value={score} onChange={(e) => setScore(e.target.value)} aria-label="Score" />
          </label>
        )}
        <label className="block space-y-1">
          <span className="font-medium text-slate-700 dark:text-slate-300">
            {type === "string" ? (format.startsWith("pickle") || format === "msgpack" ? "Value (Python literal)" : "Value") : type === "hash" || type === "stream" ? "First value" : type === "list" ? "First item" : "First member"}
          </span>
          <textarea className={`${inputClass} font-mono`} rows={6} value={value} onChange={(e) => setValue(e.target.value)} aria-label="Value" spellCheck={false} />
          {type === "string" && format.startsWith("pickle") && (
            <span className="block text-xs text-slate-500">
              Besides literals: <code>datetime.datetime(…)</code>, <code>date</code>, <code>time</code>, <code>timedelta</code>, <code>timezone.utc</code>,{" "}
              <code>Decimal(&apos;…&apos;)</code>, <code>UUID(&apos;…&apos;)</code>, <code>OrderedDict([…])</code>, <code>set(…)</code>, <code>frozenset(…)</code>; nothing else is called.
            </span>
          )}
        </label>
        {error && (
          <div role="alert" className="text-red-600 dark:text-red-400">
            <ErrorText failure={error} />
          </div>
        )}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy || !ttl.valid || !keyBytes || keyBytes.length === 0}>
            {busy ? "Creating…" : "Create key"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
