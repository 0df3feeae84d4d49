import { useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import type { ActionResult, StoredNow } from "@/lib/actions/define-action";
import { ConflictDialog, type ConflictWording } from "../conflict-dialog";
import { BytesInput } from "./bytes-input";
import { addElement, addFields, collectionRows, columns, nextPage, storedText, type CollectionRead, type FieldSpec, type Row } from "./collection-rows";
import type { PageRequest } from "../api";
import { runAction } from "./run-action";
import { base64ToText, textToBase64 } from "@/lib/wire/keys";

interface Conflict {
  mine: string;
  theirs: { text: string; digest: string | null };
  wording: ConflictWording;
  /** Repeats the edit over the stored version; null when that would not be the same edit (the stored element is another one). */
  retry: ((stored: StoredNow) => Promise<ActionResult<unknown>>) | null;
  stored: StoredNow;
}

const EDIT_WORDING: ConflictWording = {
  explanation:
    "Someone else changed this element after you loaded it, so your edit was refused and nothing was overwritten (CONFLICT). Choose which version to keep.",
  gone: "This element no longer exists.",
  overwrite: "Save my edit over it",
};

const REMOVE_WORDING: ConflictWording = {
  explanation:
    "Someone else changed this element after you loaded it, so it was not removed (CONFLICT). Check what is stored now before removing it.",
  gone: "This element no longer exists.",
  overwrite: "Remove it anyway",
};

/** Hash, list, set, sorted-set and stream keys as a paged table with add, edit and remove of members. */
export function CollectionTable({
  connectionId,
  keyBase64,
  read,
  page,
  onPage,
  writable,
  onChanged,
}: {
  connectionId: string;
  keyBase64: string;
  read: CollectionRead;
  page: PageRequest;
  onPage: (page: PageRequest) => void;
  writable: boolean;
  onChanged: () => void;
}) {
  const toast = useToast();
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<(string | null)[]>([]);
  const [adding, setAdding] = useState(false);
  const [history, setHistory] = useState<PageRequest[]>([]);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const base = { connectionId, key: keyBase64 };

  const rows = collectionRows(read, base);
  const newFields = addFields(read);

  /**
   * Runs an edit; a CONFLICT opens the dialog with both versions. `retry` repeats the edit over a stored
   * version, offered only when the conflict is about the element the person edited.
   */
  async function run(
    call: () => Promise<ActionResult<unknown>>,
    done: string,
    onConflict?: { mine: string; wording: ConflictWording; sameElement: (stored: StoredNow) => boolean; retry: (stored: StoredNow) => Promise<ActionResult<unknown>> },
  ) {
    setBusy(true);
    const result = await runAction(toast, call, done, onConflict ? ["CONFLICT"] : []);
    setBusy(false);
    if (result.ok) {
      setEditing(null);
      setAdding(false);
      setConflict(null);
      onChanged();
    } else if (result.code === "CONFLICT" && onConflict) {
      const stored = result.stored ?? {};
      setConflict({
        mine: onConflict.mine,
        theirs: storedText(stored),
        wording: onConflict.wording,
        retry: onConflict.sameElement(stored) ? onConflict.retry : null,
        stored,
      });
    }
  }

  const sameElement = (row: Row) => (stored: StoredNow) =>
    stored.element === undefined || read.type === "list" || stored.element === row.id;

  const next = nextPage(read);

  const inputsFor = (fields: FieldSpec[]) =>
    fields.map((f, i) =>
      f.numeric ? (
        <input
          key={f.label}
          className={`${inputClass} w-28! py-1! font-mono`}
          aria-label={f.label}
          defaultValue={f.initial ? base64ToText(f.initial) : ""}
          onChange={(e) => setDraft((d) => Object.assign([...d], { [i]: Number.isFinite(Number(e.target.value)) && e.target.value.trim() ? textToBase64(e.target.value.trim()) : null }))}
        />
      ) : (
        <BytesInput key={f.label} label={f.label} initial={f.initial} onChange={(v) => setDraft((d) => Object.assign([...d], { [i]: v }))} />
      ),
    );

  const ready = (count: number) => draft.length >= count && draft.slice(0, count).every((v) => v !== null && v !== undefined);

  return (
    <div className="space-y-2">
      <div className="overflow-auto rounded-lg border border-slate-200 dark:border-slate-800">
        <table className="w-full text-sm" data-testid="collection-table">
          <thead className="bg-slate-50 text-left text-xs text-slate-500 dark:bg-slate-900">
            <tr>
              {columns(read).map((c) => (
                <th key={c} className="px-3 py-2 font-medium">
                  {c}
                </th>
              ))}
              {writable && <th className="w-px px-3 py-2" aria-label="Actions" />}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 bg-white dark:divide-slate-800 dark:bg-slate-950">
            {rows.map((row) =>
              editing === row.id && row.edit ? (
                <tr key={row.id}>
                  <td colSpan={columns(read).length + 1} className="px-3 py-2">
                    <form
                      className="flex flex-wrap items-center gap-2"
                      onSubmit={(event) => {
                        event.preventDefault();
                        const edit = row.edit!;
                        const values = draft as string[];
                        if (!ready(edit.fields.length)) return;
                        void run(() => edit.save(values), "Saved", {
                          mine: edit.describe(values),
                          wording: EDIT_WORDING,
                          sameElement: sameElement(row),
                          retry: (stored) => edit.save(values, stored),
                        });
                      }}
                    >
                      {inputsFor(row.edit.fields)}
                      <Button size="sm" type="submit" disabled={busy || !ready(row.edit.fields.length)}>
                        Save
                      </Button>
                      <Button size="sm" type="button" variant="ghost" onClick={() => setEditing(null)}>
                        Cancel
                      </Button>
                    </form>
                  </td>
                </tr>
              ) : (
                <tr key={row.id} className="align-top hover:bg-slate-50 dark:hover:bg-slate-900">
                  {row.cells.map((cell, i) => (
                    <td key={i} className="px-2.5 py-1.5">
                      {cell}
                    </td>
                  ))}
                  {writable && (
                    <td className="px-2 py-1 text-right">
                      <div className="flex flex-wrap justify-end gap-x-1">
                      {row.edit && (
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => {
                            setEditing(row.id);
                            setDraft(row.edit!.fields.map((f) => f.initial ?? null));
                          }}
                        >
                          Edit
                        </Button>
                      )}
                      <Button size="sm" variant="ghost" className="text-red-600 dark:text-red-400" disabled={busy} onClick={() =>
                          void run(() => row.remove(), "Removed", {
                            mine: `Remove ${row.text}`,
                            wording: REMOVE_WORDING,
                            sameElement: sameElement(row),
                            retry: (stored) => row.remove(stored),
                          })
                        }
                      >
                        Remove
                      </Button>
                      </div>
                    </td>
                  )}
                </tr>
              ),
            )}
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns(read).length + 1} className="px-3 py-4 text-center text-slate-500">
                  Nothing on this page.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-500">{read.total} in total</span>
        <Button
          size="sm"
          variant="secondary"
          disabled={history.length === 0}
          onClick={() => {
            onPage(history[history.length - 1]);
            setHistory((h) => h.slice(0, -1));
          }}
        >
          Previous
        </Button>
        <Button
          size="sm"
          variant="secondary"
          disabled={!next}
          onClick={() => {
            if (!next) return;
            setHistory((h) => [...h, page]);
            onPage(next);
          }}
        >
          Next
        </Button>
        {writable && !adding && (
          <Button
            size="sm"
            className="ml-auto"
            onClick={() => {
              setAdding(true);
              setEditing(null);
              setDraft(newFields.map(() => null));
            }}
          >
            Add {read.type === "hash" ? "field" : read.type === "stream" ? "entry" : read.type === "list" ? "item" : "member"}
          </Button>
        )}
      </div>
      {writable && adding && (
        <form
          className="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-slate-50 p-2 dark:border-slate-700 dark:bg-slate-900/60"
          onSubmit={(event) => {
            event.preventDefault();
            if (ready(newFields.length)) void run(() => addElement(read, base, draft as string[]), "Added");
          }}
        >
          {inputsFor(newFields)}
          <Button size="sm" type="submit" disabled={busy || !ready(newFields.length)}>
            Add
          </Button>
          <Button size="sm" type="button" variant="ghost" onClick={() => setAdding(false)}>
            Cancel
          </Button>
        </form>
      )}
      <ConflictDialog
        open={conflict !== null}
        mine={conflict?.mine ?? ""}
        theirs={conflict?.theirs ?? null}
        busy={busy}
        wording={conflict?.wording}
        onOverwrite={
          conflict?.retry
            ? () => {
                const { retry, stored } = conflict;
                void run(() => retry!(stored), "Saved");
              }
            : undefined
        }
        onReload={() => {
          setConflict(null);
          setEditing(null);
          onChanged();
        }}
      />
    </div>
  );
}
