import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { writeValue } from "@/lib/actions/keys/write-value";
import type { WireString } from "@/lib/browser/value-wire";
import { STRING_PAGE_BYTES } from "@/lib/browser/value-wire";
import { analyze, CodecError, decode, formatLabel, renderText, toHex, toPlain, type DecodedValue, type DetectHints, type ValueFormat } from "@/lib/codecs";
import type { PublicProfile } from "@/lib/connections/load";
import { DIGEST_MAX_BYTES } from "@/lib/drivers/limits";
import type { Capabilities } from "@/lib/drivers/types";
import { bytesToBase64 } from "@/lib/key-text";
import { ConflictDialog, type ConflictTheirs } from "../conflict-dialog";
import { Counter } from "../counter";
import { editableText, innermost, prettyJson } from "../value-editor/edit-text";
import { StringEditor } from "../value-editor/string-editor";
import { formatBytes } from "@/lib/format";
import { HexDump } from "./hex-dump";
import { base64Bytes, fetchKeyPage } from "./key-queries";
import { runAction } from "./run-action";
import { ValueTree } from "./value-tree";
import { VisibleText } from "./visible-text";

const formatName: Record<ValueFormat, string> = {
  pickle: "Pickle",
  json: "JSON",
  msgpack: "msgpack",
  repr: "Python repr",
  counter: "Counter",
  int64: "int64",
  text: "Text",
  compressed: "Compressed",
  base64: "Base64",
  binary: "Hex",
};

const MAX_TEXT_CHARS = 200_000;
const lossy = new TextDecoder("utf-8");

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The text a person copies or compares: what the view shows, in the same notation. */
export function displayText(value: DecodedValue): string {
  const inner = innermost(value);
  if (inner.format === "json") return prettyJson(inner);
  if (inner.format === "binary") return toHex(inner.bytes, " ");
  return renderText(value, MAX_TEXT_CHARS);
}

function DecodedView({ value }: { value: DecodedValue }) {
  switch (value.format) {
    case "json":
      return (
        <pre className="font-mono text-sm leading-6 break-all whitespace-pre-wrap" data-testid="json-view">
          {prettyJson(value)}
        </pre>
      );
    case "pickle":
    case "msgpack":
      return <ValueTree value={toPlain(value)} />;
    case "repr":
      return <ValueTree value={value.value} />;
    case "counter":
    case "int64":
      return <div className="font-mono text-2xl tabular-nums">{String(value.value)}</div>;
    case "text":
      return (
        <pre className="font-mono text-sm leading-6 break-all whitespace-pre-wrap" data-testid="text-view">
          <VisibleText text={value.text.length > MAX_TEXT_CHARS ? `${value.text.slice(0, MAX_TEXT_CHARS)}…` : value.text} />
        </pre>
      );
    case "binary":
      return <HexDump bytes={value.bytes} />;
    case "compressed":
    case "base64":
      return (
        <div className="space-y-2">
          <p className="text-xs text-slate-500">
            {value.format === "compressed" ? `${value.algorithm}-compressed` : "base64-encoded"} ({formatBytes(value.inner.length)} inside); edits are written back the same way.
          </p>
          <DecodedView value={value.value} />
        </div>
      );
  }
}

/**
 * One string value: detected format with a switcher, the decoded view, the editor, counter controls, and
 * for large values the first page with "load more" and a streamed download.
 */
export function StringValue({
  connectionId,
  keyParam,
  keyBase64,
  profile,
  capabilities,
  read,
  writable,
  editing,
  onEditingChange,
  onChanged,
}: {
  connectionId: string;
  keyParam: string;
  keyBase64: string;
  profile: PublicProfile;
  capabilities: Capabilities;
  read: WireString;
  writable: boolean;
  editing: boolean;
  onEditingChange: (editing: boolean) => void;
  onChanged: () => void;
}) {
  const toast = useToast();
  const [bytes, setBytes] = useState(() => base64Bytes(read.value));
  const [loadingMore, setLoadingMore] = useState(false);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<{ mine: string; bytes: Uint8Array; theirs: ConflictTheirs | null } | null>(null);
  const complete = bytes.length >= read.total;
  const hints: DetectHints = useMemo(
    () => ({
      memcachedFlags: profile.kind === "memcached" ? read.flags : undefined,
      uwsgi: profile.kind === "uwsgi",
      truncated: !complete,
    }),
    [profile.kind, read.flags, complete],
  );
  const analysis = useMemo(() => analyze(bytes, hints), [bytes, hints]);
  const [chosen, setChosen] = useState<ValueFormat | null>(null);
  const format = chosen ?? analysis.value.format;
  const shown = useMemo((): { value: DecodedValue } | { error: string } => {
    if (format === analysis.value.format) return { value: analysis.value };
    try {
      return { value: decode(bytes, format, hints) };
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      return { error: e.message };
    }
  }, [analysis, bytes, format, hints]);
  const options = useMemo(() => {
    const list = analysis.candidates.map((c) => c.format);
    if (!list.includes("text") && !complete) list.splice(list.length - 1, 0, "text");
    return list;
  }, [analysis, complete]);

  const truncatedText = !complete && format === "text";
  // Above the digest limit the server can only tell a changed value by samples, which would miss an edit of
  // the middle: such values are not edited here (see the README).
  const tooLargeToEdit = read.total > DIGEST_MAX_BYTES;
  const editable = complete && !tooLargeToEdit && "value" in shown ? editableText(shown.value, bytes) : null;
  const counterValue = "value" in shown && (shown.value.format === "counter" || shown.value.format === "int64") ? shown.value : null;

  async function loadMore() {
    setLoadingMore(true);
    try {
      const next = await fetchKeyPage(connectionId, keyParam, { offset: bytes.length, limit: STRING_PAGE_BYTES });
      if (next.type !== "string" || next.digest !== read.digest) {
        toast("The value changed since it was loaded; showing the new value.", "info");
        onChanged();
      } else {
        setBytes((current) => concat(current, base64Bytes(next.value)));
      }
    } catch (e) {
      toast(e instanceof Error ? e.message : "Could not load more", "error");
    } finally {
      setLoadingMore(false);
    }
  }

  async function save(next: Uint8Array, text: string, expect: string) {
    setBusy(true);
    const result = await runAction(toast, () => writeValue({ connectionId, key: keyBase64, value: bytesToBase64(next), expect }), "Saved", ["CONFLICT"]);
    setBusy(false);
    if (result.ok) {
      setConflict(null);
      onEditingChange(false);
      onChanged();
      return;
    }
    if (result.code !== "CONFLICT") return;
    setConflict({ mine: text, bytes: next, theirs: null });
    let theirs: ConflictTheirs;
    try {
      const current = await fetchKeyPage(connectionId, keyParam, { limit: Math.max(read.total, STRING_PAGE_BYTES) });
      if (current.type !== "string") theirs = { text: `Now a ${current.type}, not a string.`, digest: null };
      else {
        const currentBytes = base64Bytes(current.value);
        const decoded = "value" in shown ? tryDecode(currentBytes, shown.value.format, hints) : null;
        const asEditor = decoded ? editableText(decoded, currentBytes) : null;
        theirs = { text: asEditor?.mode ? asEditor.text : decoded ? displayText(decoded) : toHex(currentBytes, " "), digest: current.digest };
      }
    } catch {
      theirs = { text: null, digest: null };
    }
    setConflict({ mine: text, bytes: next, theirs });
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <div role="group" aria-label="Show as" className="inline-flex flex-wrap overflow-hidden rounded-md border border-slate-300 dark:border-slate-700">
          {options.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={f === format}
              onClick={() => setChosen(f)}
              className={`px-2.5 py-1 text-xs font-medium ${f === format ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-100 dark:bg-slate-900 dark:text-slate-300 dark:hover:bg-slate-800"}`}
            >
              {formatName[f]}
            </button>
          ))}
        </div>
        {"value" in shown && (
          <span className="text-xs text-slate-500" data-testid="format-label">
            {analysis.tooLarge && shown.value === analysis.value ? analysis.tooLarge.label : formatLabel(shown.value)}
          </span>
        )}
        <span className="ml-auto flex gap-2">
          <Button
            size="sm"
            variant="secondary"
            onClick={() => {
              const text = "value" in shown ? displayText(shown.value) : toHex(bytes, " ");
              void navigator.clipboard.writeText(text).then(
                () => toast("Value copied", "success"),
                () => toast("The browser refused clipboard access", "error"),
              );
            }}
          >
            Copy value
          </Button>
          <form method="post" action={`/api/c/${encodeURIComponent(connectionId)}/key/download`}>
            <input type="hidden" name="key" value={keyBase64} />
            <Button size="sm" variant="secondary" type="submit">
              Download
            </Button>
          </form>
        </span>
      </div>

      {!complete && (
        <div className="flex flex-wrap items-center gap-3 rounded-md border border-sky-300/60 bg-sky-50 px-3 py-2 text-sm text-sky-900 dark:border-sky-700/60 dark:bg-sky-950/40 dark:text-sky-100" data-testid="partial-notice">
          <span>
            Showing the first {formatBytes(bytes.length)} of {formatBytes(read.total)}.
          </span>
          <Button size="sm" variant="secondary" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? "Loading…" : `Load ${formatBytes(Math.min(STRING_PAGE_BYTES, read.total - bytes.length))} more`}
          </Button>
        </div>
      )}

      {analysis.tooLarge && "value" in shown && shown.value === analysis.value && (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-100" data-testid="too-large-notice">
          This value is too large to inspect: decoding it would take more than this page allows ({analysis.tooLarge.message}). Its raw bytes are shown below.
        </p>
      )}

      {editing && writable && editable?.mode && "value" in shown ? (
        <StringEditor
          original={shown.value}
          mode={editable.mode}
          initialText={editable.text}
          busy={busy}
          onSave={(next, text) => void save(next, text, read.digest)}
          onCancel={() => onEditingChange(false)}
        />
      ) : (
        <>
          {editing && writable && (
            <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-100">
              {tooLargeToEdit
                ? `Values over ${formatBytes(DIGEST_MAX_BYTES)} are not edited in place; download it instead.`
                : !complete
                ? "Only part of this value is loaded: load all of it to edit, or download it."
                : editable && !editable.mode
                  ? `This value is view-only: ${editable.reason}`
                  : "This view cannot be edited; pick another format."}
            </p>
          )}
          {counterValue && complete ? (
            <Counter
              connectionId={connectionId}
              keyBase64={keyBase64}
              value={counterValue.value}
              original={counterValue}
              digest={read.digest}
              capabilities={capabilities}
              writable={writable}
              onChanged={onChanged}
              onConflict={onChanged}
            />
          ) : "value" in shown ? (
            <div className="overflow-auto rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900" data-testid="value-view">
              {truncatedText ? (
                <pre className="font-mono text-sm leading-6 break-all whitespace-pre-wrap" data-testid="text-view">
                  <VisibleText text={lossy.decode(bytes)} />
                </pre>
              ) : (
                <DecodedView value={shown.value} />
              )}
            </div>
          ) : (
            <p role="alert" className="text-sm text-red-600 dark:text-red-400">
              Cannot show this value as {formatName[format]}: {shown.error}
              {!complete && " (only the first part is loaded)"}
            </p>
          )}
        </>
      )}

      <ConflictDialog
        open={conflict !== null}
        mine={conflict?.mine ?? ""}
        theirs={conflict?.theirs ?? null}
        busy={busy}
        onOverwrite={() => {
          if (conflict?.theirs?.digest) void save(conflict.bytes, conflict.mine, conflict.theirs.digest);
        }}
        onReload={() => {
          setConflict(null);
          onEditingChange(false);
          onChanged();
        }}
      />
    </div>
  );
}

function tryDecode(bytes: Uint8Array, format: ValueFormat, hints: DetectHints): DecodedValue | null {
  try {
    return decode(bytes, format, { ...hints, truncated: false });
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return null;
  }
}
