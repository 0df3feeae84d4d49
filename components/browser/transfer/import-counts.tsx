import { formatCount } from "@/lib/format";
import type { ImportCounts } from "@/lib/wire/transfer";

const ROWS: [keyof ImportCounts, string, string][] = [
  ["new", "New", "not in this connection yet"],
  ["existing", "Existing, identical", "already here with the same value"],
  ["conflicting", "Existing, different", "here with another value or type"],
  ["tooBig", "Too big", "over this connection's key or value limit"],
  ["invalid", "Not importable", "unreadable, expired, or a type this connection cannot hold"],
];

/** What a preview counted (or an import so far): one row per verdict, and what was written and skipped. */
export function ImportCountsTable({ counts, importing }: { counts: ImportCounts; importing: boolean }) {
  return (
    <table className="w-full text-xs tabular-nums" data-testid="import-counts">
      <tbody>
        {ROWS.map(([name, label, hint]) => (
          <tr key={name} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
            <th scope="row" className="py-1 pr-2 text-left font-medium">
              {label}
            </th>
            <td className="py-1 pr-2 text-right" data-count={name}>
              {formatCount(counts[name])}
            </td>
            <td className="py-1 text-slate-500">{hint}</td>
          </tr>
        ))}
        {importing && (
          <tr>
            <th scope="row" className="py-1 pr-2 text-left font-medium">
              Written · skipped
            </th>
            <td className="py-1 pr-2 text-right" data-count="written">
              {formatCount(counts.written)} · {formatCount(counts.skipped)}
            </td>
            <td className="py-1 text-slate-500">of {formatCount(counts.total)} read</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
