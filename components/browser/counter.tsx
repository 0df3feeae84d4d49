import { useState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { useToast } from "@/components/ui/toast";
import { incrementCounter } from "@/lib/actions/keys/increment-counter";
import { writeValue } from "@/lib/actions/keys/write-value";
import { bytesToBase64 } from "@/lib/wire/keys";
import type { DecodedValue } from "@/lib/codecs";
import type { Capabilities } from "@/lib/drivers/types";
import { bytesForNumber } from "@/lib/codecs/edit/edit-text";
import { runAction } from "./value-view/run-action";

function parseNumber(text: string, integerOnly: boolean): bigint | number | null {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return BigInt(t);
  if (integerOnly || !/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/**
 * A counter's controls: −/+ by a step (the backend's increment, atomic where it can be) and "set to"
 * (a compare-and-set write in the counter's own format: ASCII, JSON number or uWSGI int64).
 */
export function Counter({
  connectionId,
  keyBase64,
  value,
  original,
  digest,
  capabilities,
  writable,
  onChanged,
  onConflict,
}: {
  connectionId: string;
  keyBase64: string;
  value: bigint | number;
  /** The decoded value as stored, so "set to" writes the same format. */
  original: DecodedValue;
  digest: string;
  capabilities: Capabilities;
  writable: boolean;
  onChanged: () => void;
  onConflict: () => void;
}) {
  const toast = useToast();
  const [step, setStep] = useState("1");
  const [target, setTarget] = useState(String(value));
  const [busy, setBusy] = useState(false);
  const integerOnly = original.format === "int64" || !capabilities.floatCounters;
  const stepValue = parseNumber(step, integerOnly);
  const stepNumber = stepValue === null ? null : Number(stepValue);
  const isFloat = typeof value === "number";
  const canIncrement = capabilities.counters && !(isFloat && !capabilities.floatCounters) && stepNumber !== null && stepNumber > 0;
  const canGoDown = canIncrement && (capabilities.negativeCounters || Number(value) - (stepNumber ?? 0) >= 0);
  const targetValue = parseNumber(target, original.format === "int64");

  async function bump(sign: 1 | -1) {
    if (stepNumber === null) return;
    setBusy(true);
    const result = await runAction(
      toast,
      () => incrementCounter({ connectionId, key: keyBase64, delta: sign * stepNumber }),
      (data) => `Counter is now ${data.value}`,
    );
    setBusy(false);
    if (result.ok) {
      setTarget(result.data.value);
      onChanged();
    }
  }

  async function setTo() {
    if (targetValue === null) return;
    setBusy(true);
    const bytes = bytesForNumber(original, targetValue);
    const result = await runAction(
      toast,
      () => writeValue({ connectionId, key: keyBase64, value: bytesToBase64(bytes), expect: digest }),
      `Counter set to ${String(targetValue)}`,
      ["CONFLICT"],
    );
    setBusy(false);
    if (result.ok) onChanged();
    else if (result.code === "CONFLICT") {
      toast("The counter changed since it was loaded; nothing was written. Showing the current value.", "error");
      onConflict();
    }
  }

  return (
    <div className="space-y-3" data-testid="counter">
      <div className="font-mono text-3xl font-semibold tabular-nums" data-testid="counter-value">
        {String(value)}
      </div>
      {writable && (
        <div className="flex flex-wrap items-end gap-2">
          <Button variant="secondary" aria-label="Decrement" disabled={busy || !canGoDown} onClick={() => void bump(-1)}>
            −
          </Button>
          <label className="space-y-1 text-xs">
            <span className="block text-slate-500">Step</span>
            <input className={`${inputClass} w-24! py-1.5!`} value={step} onChange={(e) => setStep(e.target.value)} aria-label="Step" />
          </label>
          <Button variant="secondary" aria-label="Increment" disabled={busy || !canIncrement} onClick={() => void bump(1)}>
            +
          </Button>
          <form
            className="flex items-end gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              void setTo();
            }}
          >
            <label className="space-y-1 text-xs">
              <span className="block text-slate-500">Set to</span>
              <input className={`${inputClass} w-40! py-1.5!`} value={target} onChange={(e) => setTarget(e.target.value)} aria-label="Set counter to" />
            </label>
            <Button type="submit" variant="secondary" disabled={busy || targetValue === null}>
              Set
            </Button>
          </form>
        </div>
      )}
      {writable && !capabilities.atomicCounters && (
        <p className="text-xs text-amber-700 dark:text-amber-300">
          Not atomic on this connection: −/+ read the value, compute and write it back, so an increment the app makes at the same moment can be lost.
        </p>
      )}
      {writable && isFloat && !capabilities.floatCounters && (
        <p className="text-xs text-slate-500">This backend only increments whole numbers; use “Set to” for this value.</p>
      )}
    </div>
  );
}
