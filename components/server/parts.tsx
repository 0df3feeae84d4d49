import { inputClass } from "@/components/ui/field";

export const tableClass = "w-full border-collapse text-left text-sm";
export const headClass = "border-b border-slate-200 px-2 py-1.5 text-xs font-medium tracking-wide text-slate-500 uppercase dark:border-slate-800";
export const cellClass = "border-b border-slate-100 px-2 py-1.5 align-top dark:border-slate-800/60";

/** A titled card around one part of a view; tables scroll sideways inside it on narrow screens. */
export function Card({ title, note, children, actions }: { title: string; note?: React.ReactNode; children: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <section aria-label={title} className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="mb-2 flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 className="text-sm font-semibold">{title}</h2>
        {note && <p className="text-xs text-slate-500">{note}</p>}
        {actions && <div className="ml-auto">{actions}</div>}
      </div>
      <div className="overflow-x-auto">{children}</div>
    </section>
  );
}

export function SearchBox({ value, onChange, label }: { value: string; onChange: (value: string) => void; label: string }) {
  return (
    <input
      type="search"
      aria-label={label}
      placeholder={label}
      className={`${inputClass} max-w-sm py-1.5`}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** Name → value rows, two columns. */
export function PairsTable({ rows, label }: { rows: [string, string][]; label: string }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">Nothing reported.</p>;
  return (
    <table className={tableClass} aria-label={label}>
      <tbody>
        {rows.map(([name, value]) => (
          <tr key={name}>
            <th scope="row" className={`${cellClass} w-1/2 font-mono text-xs font-normal break-all text-slate-600 dark:text-slate-400`}>
              {name}
            </th>
            <td className={`${cellClass} font-mono text-xs break-all`}>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function matches(search: string, ...texts: string[]): boolean {
  const needle = search.trim().toLowerCase();
  return needle === "" || texts.some((text) => text.toLowerCase().includes(needle));
}
