import { formatCount } from "@/lib/format";
import type { ImportCounts } from "@/lib/wire/transfer";

const CELLS: [keyof ImportCounts, string, string][] = [
  ["new", "New", "Not in this connection yet"],
  ["existing", "Identical", "Already here with the same value"],
  ["conflicting", "Different", "Already here with another value or type"],
  ["tooBig", "Too big", "Over this connection's key or value limit"],
  ["invalid", "Invalid", "Unreadable, expired, or a type this connection cannot hold"],
];

/** What a preview counted (or an import so far): one figure per verdict, and what was written and skipped. */
export function ImportCountsTable({ counts, importing }: { counts: ImportCounts; importing: boolean }) {
  const cells = importing ? [...CELLS, ["written", "Written", "Written so far"] as const, ["skipped", "Skipped", "Left as they were"] as const] : CELLS;
  return (
    <dl className="grid grid-cols-3 gap-1.5 text-xs tabular-nums sm:grid-cols-5" data-testid="import-counts">
      {cells.map(([name, label, hint]) => (
        <div key={name} className="rounded-md bg-slate-50 px-2 py-1.5 dark:bg-slate-800/60" title={hint}>
          <dt className="truncate text-slate-500">{label}</dt>
          <dd className="text-base font-semibold" data-count={name}>
            {formatCount(counts[name])}
          </dd>
        </div>
      ))}
    </dl>
  );
}
