import { renderText, toHex, toPlain, type DecodedValue, type ValueFormat } from "@/lib/codecs";
import { formatBytes } from "@/lib/format";
import { innermost, prettyJson } from "@/lib/codecs/edit/edit-text";
import { HexDump } from "./hex-dump";
import { ValueTree } from "./value-tree";
import { VisibleText } from "./visible-text";

/** The switcher's name for each format. */
export const formatName: Record<ValueFormat, string> = {
  pickle: "Pickle",
  json: "JSON",
  msgpack: "msgpack",
  repr: "Python repr",
  counter: "Counter",
  int64: "int64",
  text: "Text",
  compressed: "Compressed",
  base64: "Base64",
  binary: "Hex",
};

/** Characters of text shown before the rest is cut off with "…". */
const MAX_TEXT_CHARS = 200_000;

/** The text a person copies or compares: what the view shows, in the same notation. */
export function displayText(value: DecodedValue): string {
  const inner = innermost(value);
  if (inner.format === "json") return prettyJson(inner);
  if (inner.format === "binary") return toHex(inner.bytes, " ");
  return renderText(value, MAX_TEXT_CHARS);
}

/** A decoded value in the view that fits its format: a tree, pretty JSON, text, a hex dump, a number. */
export function DecodedView({ value }: { value: DecodedValue }) {
  switch (value.format) {
    case "json":
      return (
        <pre className="font-mono text-sm leading-6 break-all whitespace-pre-wrap" data-testid="json-view">
          {prettyJson(value)}
        </pre>
      );
    case "pickle":
    case "msgpack":
      return <ValueTree value={toPlain(value)} />;
    case "repr":
      return <ValueTree value={value.value} />;
    case "counter":
    case "int64":
      return <div className="font-mono text-2xl tabular-nums">{String(value.value)}</div>;
    case "text":
      return (
        <pre className="font-mono text-sm leading-6 break-all whitespace-pre-wrap" data-testid="text-view">
          <VisibleText text={value.text.length > MAX_TEXT_CHARS ? `${value.text.slice(0, MAX_TEXT_CHARS)}…` : value.text} />
        </pre>
      );
    case "binary":
      return <HexDump bytes={value.bytes} />;
    case "compressed":
    case "base64":
      return (
        <div className="space-y-2">
          <p className="text-xs text-slate-500">
            {value.format === "compressed" ? `${value.algorithm}-compressed` : "base64-encoded"} ({formatBytes(value.inner.length)} inside); edits are written back the same way.
          </p>
          <DecodedView value={value.value} />
        </div>
      );
  }
}

/** The "Show as" buttons: the formats the value could be read as, the current one pressed. */
export function FormatSwitcher({ options, format, onChoose }: { options: ValueFormat[]; format: ValueFormat; onChoose: (format: ValueFormat) => void }) {
  return (
    <div role="group" aria-label="Show as" className="inline-flex flex-wrap overflow-hidden rounded-md border border-slate-300 dark:border-slate-700">
      {options.map((f) => (
        <button
          key={f}
          type="button"
          aria-pressed={f === format}
          onClick={() => onChoose(f)}
          className={`px-2.5 py-1 text-xs font-medium ${f === format ? "bg-indigo-600 text-white" : "bg-white text-slate-700 hover:bg-slate-100 dark:bg-slate-900 dark:text-slate-300 dark:hover:bg-slate-800"}`}
        >
          {formatName[f]}
        </button>
      ))}
    </div>
  );
}
