import { base64ToBytes } from "@/lib/wire/keys";
import { argText } from "@/lib/wire/console-args";
import type { ConsoleValue } from "@/lib/wire/console";
import { formatBytes, formatCount } from "@/lib/format";

/** How many bytes of a binary string are also shown in hex. */
const HEX_BYTES = 1024;

const decoder = new TextDecoder("utf-8", { fatal: true });

function isText(bytes: Uint8Array): boolean {
  try {
    return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(decoder.decode(bytes));
  } catch {
    return false;
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, HEX_BYTES), (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** A string as redis-cli prints it: in double quotes, bytes that are not plain text escaped (`\x00`). */
function quoted(bytes: Uint8Array): string {
  const shown = argText(bytes);
  return shown.startsWith('"') ? shown : `"${shown}"`;
}

function Cut({ children }: { children: React.ReactNode }) {
  return (
    <div data-testid="reply-cut" className="my-0.5 rounded bg-amber-50 px-1.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
      ✂ {children}
    </div>
  );
}

function Blob({ value }: { value: Extract<ConsoleValue, { t: "blob" }> }) {
  const bytes = base64ToBytes(value.b64);
  const cut = value.size > bytes.length;
  const text = isText(bytes);
  return (
    <span className="min-w-0">
      {value.format ? (
        <pre className="whitespace-pre-wrap break-words">{new TextDecoder().decode(bytes)}</pre>
      ) : (
        <span className="break-all whitespace-pre-wrap text-emerald-800 dark:text-emerald-300">{quoted(bytes)}</span>
      )}
      {!text && bytes.length > 0 && (
        <span data-testid="reply-hex" className="block break-all text-xs text-slate-500 dark:text-slate-400">
          hex {hex(bytes)}
          {bytes.length > HEX_BYTES ? " …" : ""}
        </span>
      )}
      {cut && <Cut>showing the first {formatBytes(bytes.length)} of {formatBytes(value.size)}</Cut>}
    </span>
  );
}

/** One reply, the way redis-cli prints it: `(integer) 1`, numbered elements, `(nil)`, errors in red; cuts marked. */
export function ReplyView({ value }: { value: ConsoleValue }) {
  switch (value.t) {
    case "simple":
      return <span className="whitespace-pre-wrap break-words">{value.text}</span>;
    case "error":
      return <span className="whitespace-pre-wrap break-words text-red-700 dark:text-red-400">(error) {value.text}</span>;
    case "int":
      return <span>(integer) {value.value}</span>;
    case "double":
      return <span>(double) {value.value}</span>;
    case "bignum":
      return <span>(big number) {value.value}</span>;
    case "bool":
      return <span>({String(value.value)})</span>;
    case "null":
      return <span className="text-slate-500">(nil)</span>;
    case "blob":
      return <Blob value={value} />;
    case "map":
      if (value.total === 0) return <span className="text-slate-500">(empty map)</span>;
      return (
        <div>
          {value.entries.map(([k, v], i) => (
            <div key={i} className="flex gap-1.5">
              <span className="shrink-0 text-right text-slate-400 select-none" style={{ minWidth: `${String(value.total).length + 1}ch` }}>
                {i + 1}#
              </span>
              <ReplyView value={k} />
              <span className="shrink-0 text-slate-400">=&gt;</span>
              <div className="min-w-0">
                <ReplyView value={v} />
              </div>
            </div>
          ))}
          {value.entries.length < value.total && (
            <Cut>
              {formatCount(value.total - value.entries.length)} more entries not shown (the first {formatCount(value.entries.length)} of {formatCount(value.total)})
            </Cut>
          )}
        </div>
      );
    default:
      if (value.total === 0) return <span className="text-slate-500">(empty {value.t})</span>;
      return (
        <div>
          {value.t !== "array" && <span className="text-xs text-slate-400">({value.t})</span>}
          {value.items.map((item, i) => (
            <div key={i} className="flex gap-1.5">
              <span className="shrink-0 text-right text-slate-400 select-none" style={{ minWidth: `${String(value.total).length + 1}ch` }}>
                {value.t === "set" ? "~" : `${i + 1})`}
              </span>
              <div className="min-w-0">
                <ReplyView value={item} />
              </div>
            </div>
          ))}
          {value.items.length < value.total && (
            <Cut>
              {formatCount(value.total - value.items.length)} more elements not shown (the first {formatCount(value.items.length)} of {formatCount(value.total)})
            </Cut>
          )}
        </div>
      );
  }
}
