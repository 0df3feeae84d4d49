"use client";

import { useState } from "react";
import type { MemcachedServerView, UwsgiCacheView } from "@/lib/wire/server";
import { Card, cellClass, headClass, matches, PairsTable, SearchBox, tableClass } from "./parts";

const SECTIONS = ["stats", "stats settings", "stats slabs", "stats items"] as const;
type Section = (typeof SECTIONS)[number];

/** Per-class tables (`stats slabs`, `stats items`): one row per slab class, one column per field. */
function ClassTable({ rows, label }: { rows: { id: number; fields: [string, string][] }[]; label: string }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">No slab class in use.</p>;
  const columns = [...new Set(rows.flatMap((row) => row.fields.map(([name]) => name)))];
  return (
    <table className={tableClass} aria-label={label}>
      <thead>
        <tr>
          <th className={headClass}>class</th>
          {columns.map((column) => (
            <th key={column} className={`${headClass} normal-case`}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const fields = new Map(row.fields);
          return (
            <tr key={row.id}>
              <td className={`${cellClass} tabular-nums`}>{row.id}</td>
              {columns.map((column) => (
                <td key={column} className={`${cellClass} font-mono text-xs tabular-nums`}>
                  {fields.get(column) ?? ""}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** memcached's `stats`, `stats settings`, `stats slabs` and `stats items`, one card per server of the pool. */
export function MemcachedStatsView({ data }: { data: MemcachedServerView[] }) {
  const [section, setSection] = useState<Section>("stats");
  const [search, setSearch] = useState("");
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <div role="group" aria-label="memcached statistics" className="flex flex-wrap gap-1">
          {SECTIONS.map((name) => (
            <button
              key={name}
              type="button"
              aria-pressed={name === section}
              onClick={() => setSection(name)}
              className={`rounded-md border px-2.5 py-1 font-mono text-xs ${name === section ? "border-indigo-600 bg-indigo-50 text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200" : "border-slate-300 text-slate-600 dark:border-slate-700 dark:text-slate-300"}`}
            >
              {name}
            </button>
          ))}
        </div>
        {(section === "stats" || section === "stats settings") && <SearchBox value={search} onChange={setSearch} label="Search stats" />}
      </div>
      <div className={`grid gap-3 ${data.length > 1 && (section === "stats" || section === "stats settings") ? "lg:grid-cols-2" : ""}`}>
        {data.map((server) => (
          <Card key={server.address} title={server.address} note={server.error ? undefined : `version ${new Map(server.stats).get("version") ?? "?"}`}>
            {server.error ? (
              <p className="text-sm text-red-700 dark:text-red-300">{server.error}</p>
            ) : section === "stats" ? (
              <PairsTable label={`stats of ${server.address}`} rows={server.stats.filter(([n, v]) => matches(search, n, v))} />
            ) : section === "stats settings" ? (
              <PairsTable label={`settings of ${server.address}`} rows={server.settings.filter(([n, v]) => matches(search, n, v))} />
            ) : section === "stats slabs" ? (
              <ClassTable label={`slabs of ${server.address}`} rows={server.slabs} />
            ) : (
              <ClassTable label={`items of ${server.address}`} rows={server.items} />
            )}
          </Card>
        ))}
      </div>
    </div>
  );
}

const UWSGI_COLUMNS = ["items", "max_items", "hits", "miss", "full", "blocks", "blocksize", "keysize", "hash", "hashsize", "last_modified_at"];

/** The uWSGI stats server's cache section: one row per cache. */
export function UwsgiCachesView({ data }: { data: UwsgiCacheView }) {
  if (data.missing) return <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">{data.missing}</p>;
  return (
    <Card title="Caches" note="From the uWSGI stats server: hits and misses count every get, full counts writes refused because the cache was full.">
      <table className={tableClass} aria-label="uWSGI caches">
        <thead>
          <tr>
            <th className={headClass}>name</th>
            {UWSGI_COLUMNS.map((column) => (
              <th key={column} className={`${headClass} normal-case`}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.caches.map((cache) => (
            <tr key={String(cache.name)}>
              <td className={`${cellClass} font-mono text-xs`}>{String(cache.name)}</td>
              {UWSGI_COLUMNS.map((column) => (
                <td key={column} className={`${cellClass} font-mono text-xs tabular-nums`}>
                  {column === "last_modified_at" && cache[column] ? new Date(Number(cache[column]) * 1000).toISOString().replace("T", " ").slice(0, 19) : String(cache[column] ?? "")}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
