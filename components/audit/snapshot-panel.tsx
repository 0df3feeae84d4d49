import type { DiffLine, SnapshotView } from "@/lib/audit/present";
import { formatTtl } from "@/lib/format";
import { plural } from "@/lib/plural";

function Facts({ view }: { view: SnapshotView }) {
  if (!view.exists) return <p className="text-sm text-slate-500 italic">The key did not exist.</p>;
  const facts = [view.type, view.format, formatTtl(view.ttlMs), view.size !== null ? plural(view.size, "byte") : null].filter(Boolean);
  return <p className="text-xs text-slate-500">{facts.join(" · ")}</p>;
}

export function SnapshotPanel({ title, view }: { title: string; view: SnapshotView | null }) {
  return (
    <section className="min-w-0 flex-1 space-y-1" aria-label={title}>
      <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</h4>
      {!view ? (
        <p className="text-sm text-slate-500 italic">Not recorded.</p>
      ) : (
        <>
          <Facts view={view} />
          {view.lines.length > 0 && (
            <pre className="max-h-72 overflow-auto rounded-md bg-slate-100 p-2 font-mono text-xs whitespace-pre-wrap break-all dark:bg-slate-800">{view.lines.join("\n")}</pre>
          )}
          {view.note && <p className="text-xs text-amber-700 dark:text-amber-400">{view.note}</p>}
          {view.digest && <p className="truncate font-mono text-[11px] text-slate-400">sha1 {view.digest}</p>}
        </>
      )}
    </section>
  );
}

const diffClass: Record<DiffLine["kind"], string> = {
  same: "text-slate-600 dark:text-slate-400",
  added: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  removed: "bg-red-100 text-red-900 line-through decoration-red-400/60 dark:bg-red-950 dark:text-red-200",
};

export function DiffPanel({ diff }: { diff: DiffLine[] }) {
  return (
    <section aria-label="Difference" className="space-y-1">
      <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Difference</h4>
      <pre className="max-h-72 overflow-auto rounded-md bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap break-all dark:bg-slate-900">
        {diff.map((line, i) => (
          <div key={i} className={diffClass[line.kind]}>
            <span className="mr-2 select-none">{line.kind === "added" ? "+" : line.kind === "removed" ? "−" : " "}</span>
            {line.text}
          </div>
        ))}
      </pre>
    </section>
  );
}
