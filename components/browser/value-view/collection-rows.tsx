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
import { keyText } from "@/lib/wire/keys";
import { base64ToBytes, base64ToText, textToBase64 } from "@/lib/wire/keys";
import type { PageRequest } from "../api";

/** What a collection table pages through: every read but a string's. */
export type CollectionRead = Exclude<WireRead, { type: "string" }>;

/** The key the table's actions write to. */
interface Target {
  connectionId: string;
  key: string;
}

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

/**
 * A row's edits carry what the editor saw (`seen`); after a CONFLICT the person may repeat the edit over
 * the version stored now, which then becomes what was seen.
 */
export interface Row {
  id: string;
  cells: React.ReactNode[];
  /** What the row shows, as the conflict dialog words it. */
  text: string;
  /** Inputs for an edit of this row, with the action that saves them; absent when rows are not editable. */
  edit?: {
    fields: FieldSpec[];
    save: (values: string[], seen?: StoredNow) => Promise<ActionResult<unknown>>;
    describe: (values: string[]) => string;
  };
  remove: (seen?: StoredNow) => Promise<ActionResult<unknown>>;
}

/** An input of an edit or add form; `numeric` for a score, which travels as base64 of its decimal text. */
export interface FieldSpec {
  label: string;
  initial?: string;
  numeric?: boolean;
}

const shownText = (base64: string) => keyText(base64ToBytes(base64)).text;

/** The stored version a CONFLICT carries, as text; digest null when the element is gone. */
export function storedText(stored: StoredNow): { text: string; digest: string | null } {
  const element = stored.element !== undefined ? shownText(stored.element) : null;
  if (stored.score !== undefined) {
    return stored.score === null ? { text: "", digest: null } : { text: `${element ?? ""} score ${stored.score}`, digest: "present" };
  }
  if (stored.value === null || stored.value === undefined) return { text: "", digest: null };
  return { text: `${element === null ? "" : `${element} = `}${shownText(stored.value)}`, digest: "present" };
}

/** The table's column headings for a type. */
export function columns(read: CollectionRead): string[] {
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

/** One table row per element of the page, with the actions that edit and remove it. */
export function collectionRows(read: CollectionRead, base: Target): Row[] {
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
            { label: "Score", initial: textToBase64(String(m.score)), numeric: true },
          ],
          save: ([member, score], seen) => {
            const was = seen?.score ?? m.score;
            const renames = member !== m.member;
            return addZsetMembers({
              ...base,
              members: [{ member, score: Number(base64ToText(score)) }],
              expected: [renames ? null : was],
              replaces: renames ? { member: m.member, score: was } : undefined,
            });
          },
          describe: ([member, score]) => `${shownText(member)} score ${base64ToText(score)}`,
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
}

/** The inputs of the "add" form for a type. */
export function addFields(read: CollectionRead): FieldSpec[] {
  return read.type === "hash" || read.type === "stream"
    ? [{ label: "Field" }, { label: "Value" }]
    : read.type === "zset"
      ? [{ label: "Member" }, { label: "Score", numeric: true }]
      : [{ label: read.type === "list" ? "Value" : "Member" }];
}

/** Adds an element from the "add" form's values. */
export function addElement(read: CollectionRead, base: Target, values: string[]): Promise<ActionResult<unknown>> {
  switch (read.type) {
    case "hash":
      return setHashField({ ...base, field: values[0], value: values[1], expected: null });
    case "list":
      return pushListItems({ ...base, values: [values[0]], end: "tail" });
    case "set":
      return addSetMembers({ ...base, members: [values[0]] });
    case "zset":
      return addZsetMembers({ ...base, members: [{ member: values[0], score: Number(base64ToText(values[1])) }], expected: [null] });
    case "stream":
      return addStreamEntry({ ...base, id: "*", fields: [{ field: values[0], value: values[1] }] });
  }
}

/** The request for the page after this one, or null on the last page. */
export function nextPage(read: CollectionRead): PageRequest | null {
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
}
