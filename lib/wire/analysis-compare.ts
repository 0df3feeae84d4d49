/** Two analysis reports side by side: growth per namespace in keys and bytes, new and vanished namespaces. Pure, client-safe. */
import type { Aggregate, AnalysisFigures } from "./analysis";

export interface NamespaceChange {
  prefix: string;
  label: string;
  depth: number;
  /** Null when the namespace did not exist (or was not kept) in that report. */
  before: Aggregate | null;
  after: Aggregate | null;
  keysDelta: number;
  bytesDelta: number;
  status: "new" | "vanished" | "changed" | "same";
}

export interface Comparison {
  totals: { before: Aggregate; after: Aggregate; keysDelta: number; bytesDelta: number };
  namespaces: NamespaceChange[];
  /** Namespaces that were folded into "other" in either report are compared only when kept in both. */
  truncated: boolean;
}

/** `before` is the older report. Rows are ordered by how much their bytes changed, largest change first. */
export function compareFigures(before: AnalysisFigures, after: AnalysisFigures): Comparison {
  const rows = new Map<string, NamespaceChange>();
  const row = (n: AnalysisFigures["namespaces"][number]) => {
    let found = rows.get(n.prefix);
    if (!found) {
      found = { prefix: n.prefix, label: n.label, depth: n.depth, before: null, after: null, keysDelta: 0, bytesDelta: 0, status: "same" };
      rows.set(n.prefix, found);
    }
    return found;
  };
  const pick = ({ keys, bytes, noTtlKeys, noTtlBytes }: Aggregate): Aggregate => ({ keys, bytes, noTtlKeys, noTtlBytes });
  for (const n of before.namespaces) row(n).before = pick(n);
  for (const n of after.namespaces) row(n).after = pick(n);
  for (const change of rows.values()) {
    change.keysDelta = (change.after?.keys ?? 0) - (change.before?.keys ?? 0);
    change.bytesDelta = (change.after?.bytes ?? 0) - (change.before?.bytes ?? 0);
    change.status = !change.before ? "new" : !change.after ? "vanished" : change.keysDelta === 0 && change.bytesDelta === 0 ? "same" : "changed";
  }
  const namespaces = [...rows.values()].sort((a, b) => Math.abs(b.bytesDelta) - Math.abs(a.bytesDelta) || Math.abs(b.keysDelta) - Math.abs(a.keysDelta) || (a.label < b.label ? -1 : 1));
  return {
    totals: {
      before: pick(before.totals),
      after: pick(after.totals),
      keysDelta: after.totals.keys - before.totals.keys,
      bytesDelta: after.totals.bytes - before.totals.bytes,
    },
    namespaces,
    truncated: before.otherNamespaces.keys > 0 || after.otherNamespaces.keys > 0,
  };
}
