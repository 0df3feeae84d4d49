import { useState } from "react";
import { useToast } from "@/components/ui/toast";
import { writeValue } from "@/lib/actions/keys/write-value";
import { STRING_PAGE_BYTES } from "@/lib/wire/value";
import { CodecError, decode, toHex, type DecodedValue, type DetectHints, type ValueFormat } from "@/lib/codecs";
import { bytesToBase64 } from "@/lib/wire/keys";
import type { ConflictTheirs } from "../conflict-dialog";
import { editableText } from "@/lib/codecs/edit/edit-text";
import { displayText } from "./decoded-view";
import { base64ToBytes } from "@/lib/wire/keys";
import { fetchValuePage } from "../api";
import { runAction } from "./run-action";

/** An edit the server refused with CONFLICT: what the person wrote, and (once read) what is stored now. */
interface StringConflict {
  mine: string;
  bytes: Uint8Array;
  theirs: ConflictTheirs | null;
}

/**
 * Saving a string with its version (`expect`): on CONFLICT the value stored now is read and shown in the
 * format the person was editing, and `overwrite` repeats the save over that version.
 */
export function useConflictSave({
  connectionId,
  keyParam,
  keyBase64,
  total,
  format,
  hints,
  onSaved,
}: {
  connectionId: string;
  keyParam: string;
  keyBase64: string;
  /** The value's length when it was read: the stored value is read at least this far. */
  total: number;
  /** The format the editor showed, to word the stored value the same way; null when it showed none. */
  format: ValueFormat | null;
  hints: DetectHints;
  onSaved: () => void;
}) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<StringConflict | null>(null);

  async function save(next: Uint8Array, text: string, expect: string) {
    setBusy(true);
    const result = await runAction(toast, () => writeValue({ connectionId, key: keyBase64, value: bytesToBase64(next), expect }), "Saved", ["CONFLICT"]);
    setBusy(false);
    if (result.ok) {
      setConflict(null);
      onSaved();
      return;
    }
    if (result.code !== "CONFLICT") return;
    setConflict({ mine: text, bytes: next, theirs: null });
    let theirs: ConflictTheirs;
    try {
      const current = await fetchValuePage(connectionId, keyParam, { limit: Math.max(total, STRING_PAGE_BYTES) });
      if (current.type !== "string") theirs = { text: `Now a ${current.type}, not a string.`, digest: null };
      else {
        const currentBytes = base64ToBytes(current.value);
        const decoded = format !== null ? tryDecode(currentBytes, format, hints) : null;
        const asEditor = decoded ? editableText(decoded, currentBytes) : null;
        theirs = { text: asEditor?.mode ? asEditor.text : decoded ? displayText(decoded) : toHex(currentBytes, " "), digest: current.digest };
      }
    } catch {
      theirs = { text: null, digest: null };
    }
    setConflict({ mine: text, bytes: next, theirs });
  }

  const overwrite = () => {
    if (conflict?.theirs?.digest) void save(conflict.bytes, conflict.mine, conflict.theirs.digest);
  };
  return { busy, conflict, save, overwrite, dismiss: () => setConflict(null) };
}

function tryDecode(bytes: Uint8Array, format: ValueFormat, hints: DetectHints): DecodedValue | null {
  try {
    return decode(bytes, format, { ...hints, truncated: false });
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    return null;
  }
}
