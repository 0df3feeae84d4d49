import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CodecError, formatLabel, type DecodedValue } from "@/lib/codecs";
import { bytesFromText, type EditMode } from "@/lib/codecs/edit/edit-text";
import { ErrorText } from "@/components/ui/error-text";

const modeLabel: Record<EditMode, string> = {
  json: "JSON",
  python: "a Python literal",
  counter: "a number",
  int64: "a whole number",
  text: "text",
  hex: "hex bytes",
};

/**
 * The text editor for a string value. The text is parsed in `mode` and written back in the format it was
 * read in; a parse error stays in the editor and nothing is sent.
 */
export function StringEditor({
  original,
  mode,
  initialText,
  busy,
  onSave,
  onCancel,
}: {
  original: DecodedValue;
  mode: EditMode;
  initialText: string;
  busy: boolean;
  onSave: (bytes: Uint8Array, text: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState(initialText);
  const [error, setError] = useState<string | null>(null);
  const lines = text.split("\n").length;

  function save() {
    try {
      onSave(bytesFromText(original, mode, text), text);
      setError(null);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      setError(e.message);
    }
  }

  return (
    <form
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <p className="text-xs text-slate-500">
        Editing as {modeLabel[mode]}; saved as {formatLabel(original)}, keeping the key’s TTL. Ctrl+Enter saves, Esc cancels.
      </p>
      <textarea
        className="block w-full rounded-md border border-slate-300 bg-white p-3 font-mono text-sm text-slate-900 shadow-inner focus:border-indigo-500 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100"
        rows={Math.min(28, Math.max(4, lines + 1))}
        spellCheck={false}
        autoFocus
        aria-label="Value editor"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setError(null);
        }}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            save();
          }
        }}
      />
      {error && (
        <div role="alert" className="text-sm text-red-600 dark:text-red-400">
          <ErrorText failure={{ code: "INVALID_ARGUMENT", message: error }} />
        </div>
      )}
      <div className="flex gap-2">
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save"}
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
