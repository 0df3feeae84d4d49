import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

export interface ConflictTheirs {
  /** The stored value now, shown the way the editor shows values; null when the key is gone. */
  text: string | null;
  digest: string | null;
}

const paneClass =
  "max-h-80 min-h-24 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap break-all dark:border-slate-700 dark:bg-slate-950";

/** The wording for a key's value (the default) or for one element of a collection. */
export interface ConflictWording {
  explanation: string;
  gone: string;
  overwrite: string;
}

const KEY_WORDING: ConflictWording = {
  explanation:
    "Someone else wrote this key after you loaded it, so your save was refused and nothing was overwritten (CONFLICT). Choose which version to keep.",
  gone: "The key no longer exists.",
  overwrite: "Overwrite with my edit",
};

/**
 * Shown when a save was refused because the value changed after it was loaded. Nothing has been written:
 * the person sees both versions and picks one.
 */
export function ConflictDialog({
  open,
  mine,
  theirs,
  busy,
  onOverwrite,
  onReload,
  wording = KEY_WORDING,
}: {
  open: boolean;
  mine: string;
  theirs: ConflictTheirs | null;
  busy: boolean;
  /** Absent when the edit cannot simply be repeated over the stored version. */
  onOverwrite?: () => void;
  onReload: () => void;
  wording?: ConflictWording;
}) {
  const gone = theirs !== null && theirs.digest === null;
  return (
    <Dialog open={open} title="The value changed while you were editing" onClose={onReload} wide>
      <div className="space-y-4 text-sm">
        <p className="text-slate-600 dark:text-slate-300">{wording.explanation}</p>
        <div className="grid gap-3 md:grid-cols-2">
          <section className="min-w-0 space-y-1">
            <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Your edit</h3>
            <pre className={paneClass} data-testid="conflict-mine">
              {mine}
            </pre>
          </section>
          <section className="min-w-0 space-y-1">
            <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Stored now</h3>
            <pre className={paneClass} data-testid="conflict-theirs">
              {theirs === null ? "Loading…" : gone ? wording.gone : theirs.text}
            </pre>
          </section>
        </div>
        <div className="flex flex-wrap justify-end gap-2">
          <Button variant="secondary" onClick={onReload} disabled={busy}>
            Keep stored version and reload
          </Button>
          {onOverwrite && (
            <Button variant="danger" onClick={onOverwrite} disabled={busy || theirs === null || gone}>
              {busy ? "Saving…" : wording.overwrite}
            </Button>
          )}
        </div>
      </div>
    </Dialog>
  );
}
