import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { persistKey } from "@/lib/actions/keys/persist-key";
import { setTtl } from "@/lib/actions/keys/set-ttl";
import type { Capabilities } from "@/lib/drivers/types";
import { formatDuration, formatInstant } from "@/lib/format";
import { MAX_TTL_MS } from "@/lib/ttl";
import { TtlInput, useTtlField } from "./ttl-input";
import { runAction } from "./value-view/run-action";

function localInputValue(epochMs: number): string {
  const d = new Date(epochMs - new Date(epochMs).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** The key's expiry: remaining time and the absolute instant, and (when writable) the controls to change it. */
export function TtlEditor({
  connectionId,
  keyBase64,
  ttlMs,
  readAt,
  capabilities,
  writable,
  confirmText,
  onChanged,
  onExpired,
}: {
  connectionId: string;
  keyBase64: string;
  ttlMs: number | null;
  /** When the TTL was read, so the absolute expiry does not drift while the pane stays open. */
  readAt: number;
  capabilities: Capabilities;
  writable: boolean;
  /** Text to type before "expire now" (the key name on production connections): it deletes the key. */
  confirmText?: string;
  onChanged: () => void;
  onExpired: () => void;
}) {
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<"seconds" | "date">("seconds");
  const seconds = useTtlField(ttlMs === null ? "3600" : String(Math.max(1, Math.round(ttlMs / 1000))));
  const [at, setAt] = useState(() => localInputValue(readAt + (ttlMs ?? 3600_000)));
  const [busy, setBusy] = useState(false);
  const [confirmExpire, setConfirmExpire] = useState(false);

  const expiresAt = ttlMs === null ? null : readAt + ttlMs;
  const targetAt = new Date(at).getTime();
  const valid = mode === "seconds" ? seconds.valid : Number.isFinite(targetAt) && targetAt > readAt && targetAt - readAt <= MAX_TTL_MS;
  /** Milliseconds from now; the date is turned into a TTL at the moment of the click, not of the render. */
  const requested = () => (mode === "seconds" ? (seconds.ttlMs ?? 0) : targetAt - Date.now());

  async function apply(ttl: number | null, done: string, then = onChanged) {
    setBusy(true);
    const result = await runAction<unknown>(
      toast,
      () => (ttl === null ? persistKey({ connectionId, key: keyBase64 }) : setTtl({ connectionId, key: keyBase64, ttlMs: Math.round(ttl), confirm: confirmText })),
      done,
    );
    setBusy(false);
    if (result.ok) {
      setOpen(false);
      then();
    }
  }

  return (
    <div className="space-y-2" data-testid="ttl">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-500">TTL</span>
        {expiresAt === null ? (
          <span className="font-medium">No expiry</span>
        ) : (
          <span className="font-medium" title={new Date(expiresAt).toISOString()}>
            {formatDuration(ttlMs ?? 0)} <span className="font-normal text-slate-500">· expires {formatInstant(expiresAt)}</span>
          </span>
        )}
        {writable && capabilities.ttl && !open && (
          <Button size="sm" variant="ghost" onClick={() => setOpen(true)}>
            Change TTL
          </Button>
        )}
      </div>
      {open && (
        <form
          className="flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-slate-50 p-3 dark:border-slate-700 dark:bg-slate-900/60"
          onSubmit={(event) => {
            event.preventDefault();
            const ms = requested();
            if (!valid) return;
            if (ms < 1000) toast("That moment has passed; pick a later one.", "error");
            else void apply(ms, "TTL set");
          }}
        >
          <label className="space-y-1 text-xs">
            <span className="block text-slate-500">Expire</span>
            <select className={`${inputClass} py-1.5!`} value={mode} onChange={(e) => setMode(e.target.value as "seconds" | "date")} aria-label="TTL unit">
              <option value="seconds">in seconds</option>
              <option value="date">at a date and time</option>
            </select>
          </label>
          {mode === "seconds" ? (
            <TtlInput field={seconds} label="Seconds" ariaLabel="TTL seconds" className="space-y-1 text-xs" labelClassName="block text-slate-500" inputClassName="w-32! py-1.5!" />
          ) : (
            <label className="space-y-1 text-xs">
              <span className="block text-slate-500">Local time</span>
              <input className={`${inputClass} py-1.5!`} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} aria-label="Expiry date and time" />
            </label>
          )}
          <Button size="sm" type="submit" disabled={!valid || busy}>
            Set TTL
          </Button>
          {capabilities.persist && ttlMs !== null && (
            <Button size="sm" type="button" variant="secondary" disabled={busy} onClick={() => void apply(null, "Expiry removed")}>
              Remove expiry
            </Button>
          )}
          <Button size="sm" type="button" variant="secondary" disabled={busy} onClick={() => setConfirmExpire(true)}>
            Expire now
          </Button>
          <Button size="sm" type="button" variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          {valid && mode === "date" && <span className="w-full text-xs text-slate-500">Will expire {formatInstant(targetAt)}</span>}
        </form>
      )}
      <ConfirmDialog
        open={confirmExpire}
        title="Expire this key now?"
        confirmLabel="Expire now"
        typed={confirmText}
        busy={busy}
        onCancel={() => setConfirmExpire(false)}
        onConfirm={() => {
          setConfirmExpire(false);
          void apply(1, "Key expired", onExpired);
        }}
      >
        The key disappears at once, as if it had timed out.
      </ConfirmDialog>
    </div>
  );
}
