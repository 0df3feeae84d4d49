import type { Metadata } from "next";
import { AppLink as Link } from "@/components/ui/app-link";
import { AuditEntry } from "@/components/audit/audit-entry";
import { AuditSettingsForm } from "@/components/audit/audit-settings-form";
import { inputClass } from "@/components/ui/field";
import { presentEntry } from "@/lib/audit/present";
import { auditFacets, filterFromParams, filterToParams, listAuditEntries } from "@/lib/audit/query";
import { requirePageUser } from "@/lib/auth/guard";
import { can } from "@/lib/auth/permissions";
import { listConnections } from "@/lib/queries/connections";
import { getSettings } from "@/lib/settings";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

function Select({ label, name, value, options }: { label: string; name: string; value?: string; options: { value: string; label: string }[] }) {
  return (
    <label className="block space-y-1">
      <span className="text-xs font-medium text-slate-600 dark:text-slate-400">{label}</span>
      <select name={name} defaultValue={value ?? ""} className={inputClass}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function Input({ label, name, value, type = "text", placeholder }: { label: string; name: string; value?: string; type?: string; placeholder?: string }) {
  return (
    <label className="block space-y-1">
      <span className="text-xs font-medium text-slate-600 dark:text-slate-400">{label}</span>
      <input name={name} type={type} defaultValue={value ?? ""} placeholder={placeholder} className={inputClass} />
    </label>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requirePageUser();
  const params = await searchParams;
  const filter = filterFromParams(params);
  const beforeId = Number(Array.isArray(params.before) ? params.before[0] : params.before) || undefined;
  const [page, facets, connections, settings] = await Promise.all([
    listAuditEntries(filter, { limit: PAGE_SIZE, beforeId }),
    auditFacets(),
    listConnections(),
    getSettings(),
  ]);
  const live = new Set(connections.map((c) => c.id));
  const query = filterToParams(filter);
  const canUndo = can(user, "audit.undo");
  const capFromEnv = process.env.CACHEBOARD_AUDIT_SNAPSHOT_MAX_BYTES ? Number(process.env.CACHEBOARD_AUDIT_SNAPSHOT_MAX_BYTES) : null;

  return (
    <div className="mx-auto max-w-6xl space-y-5 p-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold">Audit log</h1>
        <div className="flex gap-2 text-sm">
          <a className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800" href={`/api/audit/export?format=csv&${query}`}>
            Export CSV
          </a>
          <a className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800" href={`/api/audit/export?format=jsonl&${query}`}>
            Export JSON Lines
          </a>
        </div>
      </div>

      <form method="get" className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 sm:grid-cols-4 dark:border-slate-800 dark:bg-slate-900" aria-label="Filters">
        <Select label="User" name="actor" value={filter.actor} options={facets.actors.map((a) => ({ value: a, label: a }))} />
        <Select label="Connection" name="connection" value={filter.connection} options={facets.connections.map((c) => ({ value: c.id, label: c.name }))} />
        <Select label="Action" name="action" value={filter.action} options={facets.actions.map((a) => ({ value: a, label: a }))} />
        <Select
          label="Outcome"
          name="outcome"
          value={filter.outcome}
          options={[
            { value: "ok", label: "ok" },
            { value: "error", label: "error" },
            { value: "denied", label: "denied" },
            { value: "pending", label: "pending / unfinished" },
          ]}
        />
        <Input label="Key prefix" name="keyPrefix" value={filter.keyPrefix} placeholder="sessions:" />
        <Input label="From" name="from" type="date" value={filter.from} />
        <Input label="To" name="to" type="date" value={filter.to} />
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-500">
            Filter
          </button>
          <Link href="/audit" className="px-2 py-2 text-sm text-slate-600 hover:underline dark:text-slate-300">
            Reset
          </Link>
        </div>
      </form>

      {page.entries.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-sm text-slate-500 dark:border-slate-700">No entries match.</p>
      ) : (
        <ol className="space-y-2" aria-label="Entries">
          {page.entries.map((entry) => (
            <AuditEntry key={entry.id} entry={presentEntry(entry)} canUndo={canUndo} connectionExists={entry.connectionId ? live.has(entry.connectionId) : false} />
          ))}
        </ol>
      )}
      <div className="flex justify-between text-sm">
        {beforeId ? (
          <Link href={`/audit?${query}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {page.nextBeforeId && (
          <Link href={`/audit?${query}${query.size ? "&" : ""}before=${page.nextBeforeId}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
            Older entries →
          </Link>
        )}
      </div>

      {can(user, "audit.configure") && (
        <section className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <h2 className="font-semibold">Retention</h2>
          <p className="text-sm text-slate-500">Entries are never edited or deleted by anyone; only this rule removes old ones, hourly, and each prune is itself recorded.</p>
          <AuditSettingsForm settings={settings} snapshotCapFromEnv={Number.isFinite(capFromEnv) ? capFromEnv : null} />
        </section>
      )}
    </div>
  );
}
