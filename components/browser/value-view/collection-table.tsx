import { useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { addSetMembers } from "@/lib/actions/keys/add-set-members";
import { addStreamEntry } from "@/lib/actions/keys/add-stream-entry";
import { addZsetMembers } from "@/lib/actions/keys/add-zset-members";
import { deleteHashFields } from "@/lib/actions/keys/delete-hash-fields";
import { deleteStreamEntries } from "@/lib/actions/keys/delete-stream-entries";
import { pushListItems } from "@/lib/actions/keys/push-list-items";
import { removeListItems } from "@/lib/actions/keys/remove-list-items";
import { removeSetMembers } from "@/lib/actions/keys/remove-set-members";
import { removeZsetMembers } from "@/lib/actions/keys/remove-zset-members";
import { setHashField } from "@/lib/actions/keys/set-hash-field";
import { setListItem } from "@/lib/actions/keys/set-list-item";
import type { ActionResult, StoredNow } from "@/lib/actions/define-action";
import type { WireRead } from "@/lib/wire/value";
import { fromHex, toHex, tryUtf8 } from "@/lib/codecs";
import { base64ToBytes, bytesToBase64, keyText } from "@/lib/wire/keys";
import { ConflictDialog, type ConflictWording } from "../conflict-dialog";
import type { PageRequest } from "../api";
import { runAction } from "./run-action";

type CollectionRead = Exclude<WireRead, { type: "string" }>;

/**
 * A byte string as the table shows it: text when it is text, escaped bytes otherwise. A `name` (hash field,
 * stream field) stays on one line, so "timestamp" never reads "times tamp"; values wrap at spaces and break
 * inside a word only when a word alone is wider than the pane.
 */
function Cell({ value, name = false }: { value: string; name?: boolean }) {
  const shown = keyText(base64ToBytes(value));
  return (
    <span className={`font-mono ${name ? "whitespace-nowrap" : "wrap-anywhere"} ${shown.binary ? "text-amber-700 dark:text-amber-300" : ""}`} data-cell={name ? "name" : "value"}>
      {shown.text}
    </span>
  );
}

/** Text, or hex for bytes that are not UTF-8 text; gives the bytes as base64, or null while the hex is invalid. */
function BytesInput({ label, initial, onChange }: { label: string; initial?: string; onChange: (base64: string | null) => void }) {
  const start = initial === undefined ? new Uint8Array() : base64ToBytes(initial);
  const startText = tryUtf8(start);
  const [hex, setHex] = useState(startText === undefined);
  const [text, setText] = useState(startText ?? toHex(start, " "));
  const emit = (value: string, asHex: boolean) => {
    const bytes = asHex ? fromHex(value) : new TextEncoder().encode(value);
    onChange(bytes ? bytesToBase64(bytes) : null);
  };
  return (
    <span className="flex min-w-0 flex-1 items-center gap-1">
      <input
        className={`${inputClass} min-w-0 py-1! font-mono`}
        aria-label={label}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          emit(e.target.value, hex);
        }}
      />
      <label className="flex items-center gap-1 text-xs text-slate-500">
        <input
          type="checkbox"
          checked={hex}
          onChange={(e) => {
            setHex(e.target.checked);
            emit(text, e.target.checked);
          }}
        />
        hex
      </label>
    </span>
  );
}

/**
 * A row's edits carry what the editor saw (`seen`); after a CONFLICT the person may repeat the edit over
 * the version stored now, which then becomes what was seen.
 */
interface Row {
  id: string;
  cells: React.ReactNode[];
  /** What the row shows, as the conflict dialog words it. */
  text: string;
  /** Inputs for an edit of this row, with the action that saves them; absent when rows are not editable. */
  edit?: {
    fields: { label: string; initial?: string; numeric?: boolean }[];
    save: (values: string[], seen?: StoredNow) => Promise<ActionResult<unknown>>;
    describe: (values: string[]) => string;
  };
  remove: (seen?: StoredNow) => Promise<ActionResult<unknown>>;
}

interface Conflict {
  mine: string;
  theirs: { text: string; digest: string | null };
  wording: ConflictWording;
  /** Repeats the edit over the stored version; null when that would not be the same edit (the stored element is another one). */
  retry: ((stored: StoredNow) => Promise<ActionResult<unknown>>) | null;
  stored: StoredNow;
}

const shownText = (base64: string) => keyText(base64ToBytes(base64)).text;

/** The stored version a CONFLICT carries, as text; digest null when the element is gone. */
function storedText(stored: StoredNow): { text: string; digest: string | null } {
  const element = stored.element !== undefined ? shownText(stored.element) : null;
  if (stored.score !== undefined) {
    return stored.score === null ? { text: "", digest: null } : { text: `${element ?? ""} score ${stored.score}`, digest: "present" };
  }
  if (stored.value === null || stored.value === undefined) return { text: "", digest: null };
  return { text: `${element === null ? "" : `${element} = `}${shownText(stored.value)}`, digest: "present" };
}

function columns(read: CollectionRead): string[] {
  switch (read.type) {
    case "hash":
      return ["Field", "Value"];
    case "list":
      return ["#", "Value"];
    case "set":
      return ["Member"];
    case "zset":
      return ["Member", "Score"];
    case "stream":
      return ["ID", "Fields"];
  }
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

  const rows: Row[] = (() => {
    switch (read.type) {
      case "hash":
        return read.entries.map((e) => ({
          id: e.field,
          text: `${shownText(e.field)} = ${shownText(e.value)}`,
          cells: [<Cell key="f" value={e.field} name />, <Cell key="v" value={e.value} />],
          edit: {
            fields: [
              { label: "Field", initial: e.field },
              { label: "Value", initial: e.value },
            ],
            save: ([field, value], seen) =>
              setHashField({ ...base, field, value, expected: seen?.value ?? e.value, previousField: e.field }),
            describe: ([field, value]) => `${shownText(field)} = ${shownText(value)}`,
          },
          remove: (seen) => deleteHashFields({ ...base, fields: [e.field], expected: [seen?.value ?? e.value] }),
        }));
      case "list":
        return read.items.map((item, i) => {
          const index = read.offset + i;
          return {
            id: `${index}`,
            text: `#${index} ${shownText(item)}`,
            cells: [<span key="i" className="font-mono text-slate-500">{index}</span>, <Cell key="v" value={item} />],
            edit: {
              fields: [{ label: "Value", initial: item }],
              save: ([value], seen) => setListItem({ ...base, index, value, expected: seen?.value ?? item }),
              describe: ([value]) => `#${index} ${shownText(value)}`,
            },
            remove: (seen) => removeListItems({ ...base, index, expected: seen?.value ?? item }),
          };
        });
      case "set":
        return read.members.map((m) => ({
          id: m,
          text: shownText(m),
          cells: [<Cell key="m" value={m} />],
          edit: {
            fields: [{ label: "Member", initial: m }],
            save: ([member]) => addSetMembers({ ...base, members: [member], replaces: m }),
            describe: ([member]) => shownText(member),
          },
          remove: () => removeSetMembers({ ...base, members: [m] }),
        }));
      case "zset":
        return read.members.map((m) => ({
          id: m.member,
          text: `${shownText(m.member)} score ${m.score}`,
          cells: [<Cell key="m" value={m.member} />, <span key="s" className="font-mono tabular-nums">{m.score}</span>],
          edit: {
            fields: [
              { label: "Member", initial: m.member },
              { label: "Score", initial: btoa(String(m.score)), numeric: true },
            ],
            save: ([member, score], seen) => {
              const was = seen?.score ?? m.score;
              const renames = member !== m.member;
              return addZsetMembers({
                ...base,
                members: [{ member, score: Number(atob(score)) }],
                expected: [renames ? null : was],
                replaces: renames ? { member: m.member, score: was } : undefined,
              });
            },
            describe: ([member, score]) => `${shownText(member)} score ${atob(score)}`,
          },
          remove: (seen) => removeZsetMembers({ ...base, members: [m.member], expected: [seen?.score ?? m.score] }),
        }));
      case "stream":
        return read.entries.map((e) => ({
          id: e.id,
          text: e.id,
          cells: [
            <span key="i" className="font-mono whitespace-nowrap text-slate-500">{e.id}</span>,
            <span key="f" className="flex flex-wrap gap-x-3">
              {e.fields.map((f, i) => (
                <span key={i} className="min-w-0">
                  <Cell value={f.field} name />
                  <span className="text-slate-400">=</span>
                  {/* A narrow pane wraps after "=" first, so a short value moves down whole instead of splitting. */}
                  <wbr />
                  <Cell value={f.value} />
                </span>
              ))}
            </span>,
          ],
          remove: () => deleteStreamEntries({ ...base, ids: [e.id] }),
        }));
    }
  })();

  const addFields: { label: string; numeric?: boolean }[] =
    read.type === "hash" || read.type === "stream"
      ? [{ label: "Field" }, { label: "Value" }]
      : read.type === "zset"
        ? [{ label: "Member" }, { label: "Score", numeric: true }]
        : [{ label: read.type === "list" ? "Value" : "Member" }];

  function add(values: string[]): Promise<ActionResult<unknown>> {
    switch (read.type) {
      case "hash":
        return setHashField({ ...base, field: values[0], value: values[1], expected: null });
      case "list":
        return pushListItems({ ...base, values: [values[0]], end: "tail" });
      case "set":
        return addSetMembers({ ...base, members: [values[0]] });
      case "zset":
        return addZsetMembers({ ...base, members: [{ member: values[0], score: Number(atob(values[1])) }], expected: [null] });
      case "stream":
        return addStreamEntry({ ...base, id: "*", fields: [{ field: values[0], value: values[1] }] });
    }
  }

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

  const next: PageRequest | null = (() => {
    switch (read.type) {
      case "hash":
      case "set":
        return read.done ? null : { cursor: read.cursor };
      case "list":
      case "zset":
        return read.offset + (read.type === "list" ? read.items.length : read.members.length) < read.total ? { offset: read.offset + 100 } : null;
      case "stream":
        return read.nextCursor ? { cursor: read.nextCursor } : null;
    }
  })();

  const inputsFor = (fields: { label: string; initial?: string; numeric?: boolean }[]) =>
    fields.map((f, i) =>
      f.numeric ? (
        <input
          key={f.label}
          className={`${inputClass} w-28! py-1! font-mono`}
          aria-label={f.label}
          defaultValue={f.initial ? atob(f.initial) : ""}
          onChange={(e) => setDraft((d) => Object.assign([...d], { [i]: Number.isFinite(Number(e.target.value)) && e.target.value.trim() ? btoa(e.target.value.trim()) : null }))}
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
              setDraft(addFields.map(() => null));
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
            if (ready(addFields.length)) void run(() => add(draft as string[]), "Added");
          }}
        >
          {inputsFor(addFields)}
          <Button size="sm" type="submit" disabled={busy || !ready(addFields.length)}>
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
