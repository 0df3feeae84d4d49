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
import type { ActionResult } from "@/lib/actions/define-action";
import type { WireRead } from "@/lib/browser/value-wire";
import { fromHex, toHex, tryUtf8 } from "@/lib/codecs";
import { bytesToBase64, keyText } from "@/lib/key-text";
import { base64Bytes, type PageRequest } from "./key-queries";
import { runAction } from "./run-action";

type CollectionRead = Exclude<WireRead, { type: "string" }>;

/** A byte string as the table shows it: text when it is text, escaped bytes otherwise. */
function Cell({ value }: { value: string }) {
  const shown = keyText(base64Bytes(value));
  return <span className={`font-mono break-all ${shown.binary ? "text-amber-700 dark:text-amber-300" : ""}`}>{shown.text}</span>;
}

/** Text, or hex for bytes that are not UTF-8 text; gives the bytes as base64, or null while the hex is invalid. */
function BytesInput({ label, initial, onChange }: { label: string; initial?: string; onChange: (base64: string | null) => void }) {
  const start = initial === undefined ? new Uint8Array() : base64Bytes(initial);
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

interface Row {
  id: string;
  cells: React.ReactNode[];
  /** Inputs for an edit of this row, with the action that saves them; absent when rows are not editable. */
  edit?: { fields: { label: string; initial?: string; numeric?: boolean }[]; save: (values: string[]) => Promise<ActionResult<unknown>> };
  remove: () => Promise<ActionResult<unknown>>;
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
  const base = { connectionId, key: keyBase64 };

  const rows: Row[] = (() => {
    switch (read.type) {
      case "hash":
        return read.entries.map((e) => ({
          id: e.field,
          cells: [<Cell key="f" value={e.field} />, <Cell key="v" value={e.value} />],
          edit: {
            fields: [
              { label: "Field", initial: e.field },
              { label: "Value", initial: e.value },
            ],
            save: ([field, value]) => setHashField({ ...base, field, value, previousField: e.field }),
          },
          remove: () => deleteHashFields({ ...base, fields: [e.field] }),
        }));
      case "list":
        return read.items.map((item, i) => ({
          id: `${read.offset + i}`,
          cells: [<span key="i" className="font-mono text-slate-500">{read.offset + i}</span>, <Cell key="v" value={item} />],
          edit: { fields: [{ label: "Value", initial: item }], save: ([value]) => setListItem({ ...base, index: read.offset + i, value }) },
          remove: () => removeListItems({ ...base, value: item, count: 1 }),
        }));
      case "set":
        return read.members.map((m) => ({
          id: m,
          cells: [<Cell key="m" value={m} />],
          edit: { fields: [{ label: "Member", initial: m }], save: ([member]) => addSetMembers({ ...base, members: [member], replaces: m }) },
          remove: () => removeSetMembers({ ...base, members: [m] }),
        }));
      case "zset":
        return read.members.map((m) => ({
          id: m.member,
          cells: [<Cell key="m" value={m.member} />, <span key="s" className="font-mono tabular-nums">{m.score}</span>],
          edit: {
            fields: [
              { label: "Member", initial: m.member },
              { label: "Score", initial: btoa(String(m.score)), numeric: true },
            ],
            save: ([member, score]) => addZsetMembers({ ...base, members: [{ member, score: Number(atob(score)) }], replaces: m.member }),
          },
          remove: () => removeZsetMembers({ ...base, members: [m.member] }),
        }));
      case "stream":
        return read.entries.map((e) => ({
          id: e.id,
          cells: [
            <span key="i" className="font-mono text-slate-500">{e.id}</span>,
            <span key="f" className="space-x-3">
              {e.fields.map((f, i) => (
                <span key={i}>
                  <Cell value={f.field} />
                  <span className="text-slate-400">=</span>
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
        return setHashField({ ...base, field: values[0], value: values[1] });
      case "list":
        return pushListItems({ ...base, values: [values[0]], end: "tail" });
      case "set":
        return addSetMembers({ ...base, members: [values[0]] });
      case "zset":
        return addZsetMembers({ ...base, members: [{ member: values[0], score: Number(atob(values[1])) }] });
      case "stream":
        return addStreamEntry({ ...base, id: "*", fields: [{ field: values[0], value: values[1] }] });
    }
  }

  async function run(call: () => Promise<ActionResult<unknown>>, done: string) {
    setBusy(true);
    const result = await runAction(toast, call, done);
    setBusy(false);
    if (result.ok) {
      setEditing(null);
      setAdding(false);
      onChanged();
    }
  }

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
              {writable && <th className="w-36 px-3 py-2" aria-label="Actions" />}
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
                        if (ready(edit.fields.length)) void run(() => edit.save(draft as string[]), "Saved");
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
                    <td key={i} className="px-3 py-1.5">
                      {cell}
                    </td>
                  ))}
                  {writable && (
                    <td className="px-3 py-1 text-right whitespace-nowrap">
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
                      <Button size="sm" variant="ghost" className="text-red-600 dark:text-red-400" disabled={busy} onClick={() => void run(row.remove, "Removed")}>
                        Remove
                      </Button>
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
    </div>
  );
}
