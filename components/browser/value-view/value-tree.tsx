import { pyBytesRepr, pyStrRepr, pythonFloatRepr, type PlainValue } from "@/lib/codecs";

const MAX_CHILDREN = 500;

type Container = Exclude<PlainValue, null | boolean | bigint | number | string | Uint8Array>;

function Scalar({ value }: { value: PlainValue }) {
  if (value === null) return <span className="text-slate-500">None</span>;
  if (typeof value === "boolean") return <span className="text-violet-700 dark:text-violet-300">{value ? "True" : "False"}</span>;
  if (typeof value === "bigint") return <span className="text-sky-700 dark:text-sky-300">{value.toString()}</span>;
  if (typeof value === "number") return <span className="text-sky-700 dark:text-sky-300">{pythonFloatRepr(value)}</span>;
  if (typeof value === "string") return <span className="break-all text-emerald-700 dark:text-emerald-300">{pyStrRepr(value)}</span>;
  if (value instanceof Uint8Array) return <span className="break-all text-amber-700 dark:text-amber-300">{pyBytesRepr(value)}</span>;
  return null;
}

function isContainer(value: PlainValue): value is Container {
  return typeof value === "object" && value !== null && !(value instanceof Uint8Array);
}

function children(value: Container): { label?: PlainValue; value: PlainValue }[] | null {
  if (Array.isArray(value)) return value.map((v) => ({ value: v }));
  switch (value.kind) {
    case "dict":
      return value.entries.map(([k, v]) => ({ label: k, value: v }));
    case "tuple":
    case "set":
    case "frozenset":
      return value.items.map((v) => ({ value: v }));
    default:
      return null;
  }
}

function leafOf(value: Container) {
  if (Array.isArray(value)) return null;
  switch (value.kind) {
    case "opaque":
      return (
        <span className="inline-flex max-w-full items-baseline gap-1.5 rounded border border-amber-400/60 bg-amber-50 px-1.5 font-mono text-amber-900 dark:border-amber-500/40 dark:bg-amber-950/40 dark:text-amber-200" title="Shown as recorded; Cacheboard never runs pickled code">
          <span className="text-[10px] font-sans font-semibold tracking-wide uppercase">object</span>
          <span className="break-all">{value.text}</span>
        </span>
      );
    case "bytearray":
      return <span className="text-amber-700 dark:text-amber-300">bytearray({pyBytesRepr(value.bytes)})</span>;
    case "float32":
      return <span className="text-sky-700 dark:text-sky-300">{pythonFloatRepr(value.value)} <span className="text-xs text-slate-500">float32</span></span>;
    case "ext":
      return <span className="text-amber-700 dark:text-amber-300">ExtType({value.type}, {pyBytesRepr(value.data)})</span>;
    case "timestamp":
      return <span className="text-sky-700 dark:text-sky-300">Timestamp({value.seconds.toString()}s, {value.nanoseconds}ns)</span>;
    default:
      return null;
  }
}

const kindLabel = (value: Container, count: number): string => {
  const name = Array.isArray(value) ? "list" : value.kind;
  return `${name} · ${count} ${name === "dict" ? (count === 1 ? "entry" : "entries") : count === 1 ? "item" : "items"}`;
};

function Node({ label, value, path, depth }: { label?: PlainValue; value: PlainValue; path: Set<object>; depth: number }) {
  const name =
    label === undefined ? null : (
      <span className="mr-1 font-medium text-slate-800 dark:text-slate-200">
        {isContainer(label) ? <Node value={label} path={path} depth={depth + 1} /> : <Scalar value={label} />}
        <span className="text-slate-400">:</span>
      </span>
    );
  if (!isContainer(value)) {
    return (
      <div className="py-0.5" data-tree-leaf>
        {name}
        <Scalar value={value} />
      </div>
    );
  }
  const leaf = leafOf(value);
  if (leaf) {
    return (
      <div className="py-0.5">
        {name}
        {leaf}
      </div>
    );
  }
  if (path.has(value)) {
    return (
      <div className="py-0.5">
        {name}
        <span className="text-slate-500 italic">… (contains itself)</span>
      </div>
    );
  }
  const items = children(value) ?? [];
  const inner = new Set(path).add(value);
  return (
    <details open={depth < 3} className="py-0.5">
      <summary className="cursor-pointer select-none marker:text-slate-400">
        {name}
        <span className="text-xs text-slate-500">{kindLabel(value, items.length)}</span>
      </summary>
      <div className="ml-3 border-l border-slate-200 pl-3 dark:border-slate-700">
        {items.slice(0, MAX_CHILDREN).map((child, i) => (
          <Node key={i} label={child.label} value={child.value} path={inner} depth={depth + 1} />
        ))}
        {items.length > MAX_CHILDREN && <div className="py-0.5 text-xs text-slate-500">… {items.length - MAX_CHILDREN} more not shown</div>}
      </div>
    </details>
  );
}

/** A decoded value as a tree: containers fold, objects the pickle would have built stay opaque. */
export function ValueTree({ value }: { value: PlainValue }) {
  return (
    <div className="font-mono text-sm leading-6" data-testid="value-tree">
      <Node value={value} path={new Set()} depth={0} />
    </div>
  );
}
