"use client";

import { useState } from "react";
import { formatInstant } from "@/lib/format";
import type { ConfigEntry, InfoSection, LatencyView as Latency, MemoryStatsView } from "@/lib/wire/server";
import { Card, cellClass, headClass, matches, PairsTable, SearchBox, tableClass } from "./parts";

/** INFO everything by section; the search keeps the fields whose name or value contain it. */
export function InfoView({ data }: { data: InfoSection[] }) {
  const [search, setSearch] = useState("");
  const sections = data
    .map((section) => ({ ...section, fields: matches(search, section.name) ? section.fields : section.fields.filter((f) => matches(search, f.name, f.value)) }))
    .filter((section) => section.fields.length > 0);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <SearchBox value={search} onChange={setSearch} label="Search INFO" />
        <span className="text-xs text-slate-500">
          {sections.reduce((n, s) => n + s.fields.length, 0)} fields in {sections.length} sections
        </span>
      </div>
      {sections.length === 0 && <p className="text-sm text-slate-500">No field matches “{search}”.</p>}
      <div className="grid gap-3 lg:grid-cols-2">
        {sections.map((section) => (
          <Card key={section.name} title={section.name}>
            <PairsTable label={`INFO ${section.name}`} rows={section.fields.map((f) => [f.name, f.value])} />
          </Card>
        ))}
      </div>
    </div>
  );
}

/** CONFIG GET *: read-only here (changing the configuration is not offered); passwords are never sent. */
export function ConfigView({ data }: { data: ConfigEntry[] }) {
  const [search, setSearch] = useState("");
  const shown = data.filter((entry) => matches(search, entry.name, entry.value));
  return (
    <Card
      title="Configuration"
      note={`CONFIG GET *, read-only: ${shown.length} of ${data.length} parameters. Passwords are redacted on the server.`}
      actions={<SearchBox value={search} onChange={setSearch} label="Search config" />}
    >
      <table className={tableClass} aria-label="Configuration">
        <tbody>
          {shown.map((entry) => (
            <tr key={entry.name}>
              <th scope="row" className={`${cellClass} w-1/3 font-mono text-xs font-normal text-slate-600 dark:text-slate-400`}>
                {entry.name}
              </th>
              <td className={`${cellClass} font-mono text-xs break-all`}>
                {entry.redacted ? <span className="rounded bg-slate-100 px-1 text-slate-500 italic dark:bg-slate-800">redacted</span> : entry.value || <span className="text-slate-400">(empty)</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

export function LatencyView({ data }: { data: Latency }) {
  const off = data.thresholdMs === 0;
  return (
    <div className="space-y-3">
      {off && (
        <div role="note" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          The latency monitor is off on this server (<code className="font-mono">latency-monitor-threshold 0</code>). An admin of the server can turn it on with{" "}
          <code className="font-mono">CONFIG SET latency-monitor-threshold 100</code> (milliseconds; events slower than that are recorded), or set it in redis.conf.
        </div>
      )}
      <Card title="Latency events" note={data.thresholdMs === null ? "threshold not readable" : off ? "monitor off" : `events slower than ${data.thresholdMs} ms are recorded`}>
        {data.events.length === 0 ? (
          <p className="text-sm text-slate-500">No latency event recorded.</p>
        ) : (
          <table className={tableClass} aria-label="Latency events">
            <thead>
              <tr>
                <th className={headClass}>Event</th>
                <th className={headClass}>Latest</th>
                <th className={headClass}>Latest ms</th>
                <th className={headClass}>Max ms</th>
                <th className={headClass}>History (ms)</th>
              </tr>
            </thead>
            <tbody>
              {data.events.map((event) => (
                <tr key={event.event}>
                  <td className={`${cellClass} font-mono text-xs`}>{event.event}</td>
                  <td className={`${cellClass} whitespace-nowrap`}>{formatInstant(event.latestAt * 1000)}</td>
                  <td className={`${cellClass} tabular-nums`}>{event.latestMs}</td>
                  <td className={`${cellClass} tabular-nums`}>{event.maxMs}</td>
                  <td className={`${cellClass} font-mono text-xs break-all text-slate-600 dark:text-slate-400`}>
                    {event.history
                      .slice(-20)
                      .map((point) => point.ms)
                      .join(" · ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="LATENCY DOCTOR">
        <pre className="text-xs whitespace-pre-wrap text-slate-700 dark:text-slate-300">{data.doctor.trim()}</pre>
      </Card>
    </div>
  );
}

export function MemoryView({ data }: { data: MemoryStatsView }) {
  const [search, setSearch] = useState("");
  return (
    <Card title="MEMORY STATS" actions={<SearchBox value={search} onChange={setSearch} label="Search memory stats" />}>
      <PairsTable label="Memory stats" rows={data.fields.filter((f) => matches(search, f.name, f.value)).map((f) => [f.name, f.value])} />
    </Card>
  );
}
