import { useState } from "react";
import { inputClass } from "@/components/ui/field";
import { fromHex, toHex, tryUtf8 } from "@/lib/codecs";
import { bytesToBase64 } from "@/lib/wire/keys";
import { base64ToBytes } from "@/lib/wire/keys";

/** Text, or hex for bytes that are not UTF-8 text; gives the bytes as base64, or null while the hex is invalid. */
export function BytesInput({ label, initial, onChange }: { label: string; initial?: string; onChange: (base64: string | null) => void }) {
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
