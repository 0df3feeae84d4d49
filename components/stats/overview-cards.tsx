"use client";

import { ErrorText } from "@/components/ui/error-text";
import { useQuery } from "@tanstack/react-query";
import { AppLink as Link } from "@/components/ui/app-link";
import { ConnectionStatus } from "@/components/connections/connection-status";
import type { DriverKind } from "@/lib/drivers/types";
import { kindLabel, kindOf } from "@/lib/kinds";
import { queryKeys } from "@/lib/query-keys";
import type { Figures, OverviewEntry, OverviewReply, SampleFailure } from "@/lib/stats/replies";
import { formatBytes, formatCount, formatPercent, formatRate, formatSeconds, NOT_REPORTED } from "@/lib/format";
import { ApiError, readReply } from "@/lib/wire/errors";

interface OverviewConnection {
  id: string;
  name: string;
  kind: DriverKind;
  environment: string;
  readOnly: boolean;
}

const DEFAULT_POLL_MS = 5_000;

/** The connections as cards with their live figures; one poll serves every card. */
export function OverviewCards({ connections }: { connections: OverviewConnection[] }) {
  const { data, error } = useQuery({
    queryKey: queryKeys.connectionsOverview(),
    queryFn: async (): Promise<OverviewReply> => {
      const response = await fetch("/api/connections/overview", { cache: "no-store" });
      return readReply<OverviewReply>(response);
    },
    refetchInterval: (query) => query.state.data?.intervalMs ?? DEFAULT_POLL_MS,
    staleTime: 0,
  });
  const entries = new Map((data?.connections ?? []).map((entry) => [entry.id, entry]));
  return (
    <div className="@container">
      {error && !data && (
        <div role="alert" className="mt-4 text-sm text-red-700 dark:text-red-300">
          <ErrorText failure={error instanceof ApiError ? { code: error.code, message: error.message } : { code: "NETWORK", message: String(error) }} />
        </div>
      )}
      <ul className="mt-6 grid gap-3 @2xl:grid-cols-2 @5xl:grid-cols-3 @[100rem]:grid-cols-4">
        {connections.map((c) => (
          <li key={c.id}>
            <Card connection={c} entry={entries.get(c.id)} loaded={data !== undefined} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function Card({ connection: c, entry, loaded }: { connection: OverviewConnection; entry: OverviewEntry | undefined; loaded: boolean }) {
  const f = entry?.figures ?? null;
  const failure = entry?.failure ?? null;
  return (
    <article
      className="flex h-full flex-col rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
      aria-labelledby={`card-${c.id}`}
      data-testid={`overview-card-${c.id}`}
      data-state={failure ? "down" : f ? "up" : "loading"}
    >
      <div className="min-w-0 px-4 pt-4">
        <div className="flex items-center justify-between gap-2">
          <Link id={`card-${c.id}`} href={`/c/${c.id}`} className="flex min-w-0 items-center gap-2 font-medium hover:text-indigo-600 dark:hover:text-indigo-400">
            <ConnectionStatus id={c.id} compact />
            <span className="truncate" title={c.name}>
              {c.name}
            </span>
          </Link>
          <span className="shrink-0 text-xs text-slate-500">{c.environment}</span>
        </div>
        <div className="mt-0.5 truncate text-sm text-slate-500">
          {kindLabel(c.kind)}
          {f?.version ? ` ${f.version}` : ""}
          {c.readOnly ? " · read-only" : ""}
        </div>
      </div>
      <div className="flex-1 px-4 py-3">
        {failure ? (
          <Unreachable failure={failure} />
        ) : f ? (
          <FigureGrid figures={f} kind={c.kind} />
        ) : (
          <p className="text-sm text-slate-500">{loaded ? "Waiting for the server's first answer…" : "Reading counters…"}</p>
        )}
      </div>
      <div className="flex flex-wrap gap-x-4 gap-y-1 border-t border-slate-100 px-4 py-2 text-sm dark:border-slate-800">
        <Link href={`/c/${c.id}`} className="whitespace-nowrap text-indigo-600 hover:underline dark:text-indigo-400">
          Browse keys
        </Link>
        <Link href={`/c/${c.id}/stats`} className="whitespace-nowrap text-indigo-600 hover:underline dark:text-indigo-400">
          Stats and history
        </Link>
      </div>
    </article>
  );
}

function Unreachable({ failure }: { failure: SampleFailure }) {
  return (
    <div role="status" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
      <p className="font-medium">Unreachable: the server did not answer.</p>
      <ErrorText className="mt-0.5 break-words" failure={failure} />
    </div>
  );
}

function Figure({ label, value, children }: { label: string; value: string; children?: React.ReactNode }) {
  const missing = value === NOT_REPORTED;
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd data-figure={label} className={`truncate tabular-nums ${missing ? "text-xs leading-6 text-slate-400" : "font-medium"}`} title={value}>
        {value}
      </dd>
      {children}
    </div>
  );
}

function FigureGrid({ figures: f, kind }: { figures: Figures; kind: DriverKind }) {
  const or = (value: number | null, write: (n: number | null) => string) => (value === null ? NOT_REPORTED : write(value));
  const share = f.memoryUsed !== null && f.memoryMax ? Math.min(1, f.memoryUsed / f.memoryMax) : null;
  const memory =
    f.memoryUsed === null && f.memoryMax === null
      ? NOT_REPORTED
      : `${f.memoryUsed === null ? "used " + NOT_REPORTED : formatBytes(f.memoryUsed)} / ${f.memoryMax === null ? "no limit" : formatBytes(f.memoryMax)}`;
  return (
    <dl className="grid grid-cols-3 gap-x-3 gap-y-2 text-sm">
      <div className="col-span-3 min-w-0">
        <Figure label="Memory used / max" value={memory}>
          {share !== null && (
            <div className="mt-1 h-1.5 rounded-full bg-slate-100 dark:bg-slate-800" role="meter" aria-label="Memory used" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(share * 100)}>
              <div className={`h-full rounded-full ${share > 0.9 ? "bg-red-500" : share > 0.75 ? "bg-amber-500" : "bg-indigo-500"}`} style={{ width: `${Math.max(share * 100, 1)}%` }} />
            </div>
          )}
        </Figure>
      </div>
      <Figure label="Keys" value={or(f.keys, formatCount)} />
      <Figure label="Hit ratio" value={or(f.hitRatio, formatPercent)} />
      <Figure label={kindOf(kind).stats.opsShort} value={or(f.opsPerSec, formatRate)} />
      <Figure label={kindOf(kind).stats.evictionsShort} value={or(f.evictions, formatCount)} />
      <Figure label="Clients" value={or(f.clients, formatCount)} />
      <Figure label="Uptime" value={or(f.uptimeSeconds, formatSeconds)} />
    </dl>
  );
}
