import { kindOf } from "@/lib/kinds";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import type { WireString } from "@/lib/wire/value";
import { STRING_PAGE_BYTES } from "@/lib/wire/value";
import { analyze, CodecError, decode, formatLabel, toHex, type DecodedValue, type DetectHints, type ValueFormat } from "@/lib/codecs";
import type { PublicProfile } from "@/lib/connections/load";
import { DIGEST_MAX_BYTES } from "@/lib/drivers/limits";
import type { Capabilities } from "@/lib/drivers/types";
import { ConflictDialog } from "../conflict-dialog";
import { Counter } from "../counter";
import { editableText } from "@/lib/codecs/edit/edit-text";
import { StringEditor } from "../value-editor/string-editor";
import { formatBytes } from "@/lib/format";
import { DecodedView, displayText, FormatSwitcher, formatName } from "./decoded-view";
import { base64ToBytes } from "@/lib/wire/keys";
import { fetchValuePage } from "../api";
import { useConflictSave } from "./use-conflict-save";
import { VisibleText } from "./visible-text";

const lossy = new TextDecoder("utf-8");

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
  const [bytes, setBytes] = useState(() => base64ToBytes(read.value));
  const [loadingMore, setLoadingMore] = useState(false);
  const complete = bytes.length >= read.total;
  const hints: DetectHints = useMemo(
    () => ({
      ...kindOf(profile.kind).valueHints(read.flags),
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
  const { busy, conflict, save, overwrite, dismiss } = useConflictSave({
    connectionId,
    keyParam,
    keyBase64,
    total: read.total,
    format: "value" in shown ? shown.value.format : null,
    hints,
    onSaved: () => {
      onEditingChange(false);
      onChanged();
    },
  });

  async function loadMore() {
    setLoadingMore(true);
    try {
      const next = await fetchValuePage(connectionId, keyParam, { offset: bytes.length, limit: STRING_PAGE_BYTES });
      if (next.type !== "string" || next.digest !== read.digest) {
        toast("The value changed since it was loaded; showing the new value.", "info");
        onChanged();
      } else {
        setBytes((current) => concat(current, base64ToBytes(next.value)));
      }
    } catch (e) {
      toast(e instanceof Error ? e.message : "Could not load more", "error");
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <FormatSwitcher options={options} format={format} onChoose={setChosen} />
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
        onOverwrite={overwrite}
        onReload={() => {
          dismiss();
          onEditingChange(false);
          onChanged();
        }}
      />
    </div>
  );
}
