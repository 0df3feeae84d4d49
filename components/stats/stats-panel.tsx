"use client";

import { kindOf } from "@/lib/kinds";
import { ApiError, readReply } from "@/lib/wire/errors";
import { ErrorText } from "@/components/ui/error-text";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { DriverKind, ServerStats } from "@/lib/drivers/types";
import { queryKeys } from "@/lib/query-keys";
import { lifetimeHitRatio, mergeSamples, pointsOf, type Sample } from "@/lib/stats/history";
import type { SampleFailure, StatsReply } from "@/lib/stats/replies";
import { formatBytes, formatCompact, formatCount, formatNumber, formatPercent, formatRate, formatSeconds, NOT_REPORTED } from "@/lib/format";
import { TimeChart, type ChartSeries } from "./time-chart";

const DEFAULT_POLL_MS = 5_000;

interface History {
  samples: Sample[];
  latest: { at: number; stats: ServerStats } | null;
  failure: SampleFailure | null;
  intervalMs: number;
  capacity: number;
}


/** Byte-axis steps: 1, 2, 4 … 512 of each binary unit, so ticks read 256 KiB, 512 KiB, 1 MiB. */
const BINARY_STEPS = [0, 1, 2, 3, 4].flatMap((power) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((n) => n * 1024 ** power));

const COLORS = { indigo: "#6366f1", emerald: "#10b981", rose: "#f43f5e", amber: "#f59e0b", sky: "#0ea5e9", slate: "#94a3b8" };

function Tile({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</div>
      <div className={`mt-1 font-semibold tabular-nums ${value === NOT_REPORTED ? "text-base text-slate-400" : "truncate text-2xl"}`} title={value}>
        {value}
      </div>
      {sub && <div className="text-xs text-slate-500">{sub}</div>}
    </div>
  );
}

/** A chart card; a figure the backend does not report says so instead of drawing an empty chart. */
function ChartCard({
  title,
  note,
  reported,
  times,
  series,
  ...chart
}: { title: string; note?: string; reported: boolean; times: number[]; series: ChartSeries[] } & Omit<React.ComponentProps<typeof TimeChart>, "title" | "times" | "series">) {
  return (
    <section className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label={title}>
      <h3 className="text-sm font-medium">{title}</h3>
      {note && <p className="text-xs text-slate-500">{note}</p>}
      {reported ? (
        <div className="mt-2">
          <TimeChart title={title} times={times} series={series} {...chart} />
        </div>
      ) : (
        <p className="mt-2 flex h-[150px] items-center justify-center rounded-md border border-dashed border-slate-200 text-sm text-slate-500 dark:border-slate-700">{NOT_REPORTED}</p>
      )}
    </section>
  );
}

const th = "px-3 py-1.5 text-left font-medium";
const td = "px-3 py-1.5 tabular-nums";

function Table({ head, rows }: { head: string[]; rows: (string | number)[][] }) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-sm">
        <thead className="bg-slate-50 text-xs text-slate-500 uppercase dark:bg-slate-800/50">
          <tr>
            {head.map((h) => (
              <th key={h} className={th}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i} className="border-t border-slate-100 dark:border-slate-800">
              {row.map((cell, j) => (
                <td key={j} className={td}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface MemcachedServerDetail {
  address: string;
  currItems: number | null;
  bytes: number | null;
  limitMaxbytes: number | null;
  getHits: number | null;
  getMisses: number | null;
  evictions: number | null;
  slabs: { id: number; chunkSize: number; usedChunks: number; totalChunks: number }[];
}

interface UwsgiCacheDetail {
  name: string;
  keysize: number;
  blocksize: number;
  blocks?: number;
  max_items?: number;
  items?: number;
  hits?: number;
  miss?: number;
  full?: number;
}

function Detail({ stats }: { stats: ServerStats }) {
  const servers = stats.detail.servers as MemcachedServerDetail[] | undefined;
  const caches = stats.detail.caches as UwsgiCacheDetail[] | undefined;
  const nodes = stats.detail.nodes as { address: string; role: string | null; usedMemory: number; keys: number }[] | undefined;
  return (
    <>
      {servers?.map((server) => (
        <section key={server.address} className="space-y-2">
          <h2 className="font-semibold">
            Slabs of <span className="font-mono">{server.address}</span>
          </h2>
          <Table
            head={["Slab", "Chunk size", "Used chunks", "Total chunks", "Used"]}
            rows={server.slabs.map((s) => [s.id, formatBytes(s.chunkSize), formatCount(s.usedChunks), formatCount(s.totalChunks), formatPercent(s.totalChunks ? s.usedChunks / s.totalChunks : null)])}
          />
        </section>
      ))}
      {caches && caches.length > 0 && (
        <section className="space-y-2">
          <h2 className="font-semibold">Caches</h2>
          <Table
            head={["Cache", "Key size", "Block size", "Blocks", "Max items", "Items", "Hits", "Misses", "Full"]}
            rows={caches.map((c) => [c.name, formatBytes(c.keysize), formatBytes(c.blocksize), formatCount(c.blocks ?? null), formatCount(c.max_items ?? null), formatCount(c.items ?? null), formatCount(c.hits ?? null), formatCount(c.miss ?? null), formatCount(c.full ?? null)])}
          />
        </section>
      )}
      {nodes && nodes.length > 1 && (
        <section className="space-y-2">
          <h2 className="font-semibold">Nodes</h2>
          <Table head={["Node", "Role", "Memory", "Keys"]} rows={nodes.map((n) => [n.address, n.role ?? "—", formatBytes(n.usedMemory), formatCount(n.keys)])} />
        </section>
      )}
    </>
  );
}

/** Why a figure is missing, in the tile's small print. */
function missing(kind: DriverKind, hasStatsServer: boolean): string | undefined {
  return kindOf(kind).stats.missing(hasStatsServer) ?? undefined;
}

export function StatsPanel({ connectionId, kind }: { connectionId: string; kind: DriverKind }) {
  const queryClient = useQueryClient();
  const queryKey = queryKeys.connectionStats(connectionId);
  const { data, error } = useQuery({
    queryKey,
    // The server keeps the last hour; each poll asks only for the samples taken since the newest one held.
    queryFn: async (): Promise<History> => {
      const held = queryClient.getQueryData<History>(queryKey);
      const since = held?.samples.length ? held.samples[held.samples.length - 1].at : 0;
      const response = await fetch(`/api/connections/${connectionId}/stats${since ? `?since=${since}` : ""}`, { cache: "no-store" });
      const reply = await readReply<StatsReply>(response);
      return {
        samples: mergeSamples(held?.samples ?? [], reply.samples, reply.capacity),
        latest: reply.latest ?? held?.latest ?? null,
        failure: reply.failure,
        intervalMs: reply.intervalMs,
        capacity: reply.capacity,
      };
    },
    refetchInterval: (query) => query.state.data?.intervalMs ?? DEFAULT_POLL_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });

  const failure = data?.failure ?? (error ? { code: error instanceof ApiError ? error.code : "INTERNAL", message: error.message, at: 0 } : null);
  const latest = data?.latest;
  if (!latest) {
    if (failure) return <FailureNotice failure={failure} />;
    return <p className="text-sm text-slate-500">Reading the server&apos;s counters…</p>;
  }
  const s = latest.stats;
  const samples = data.samples;
  const points = pointsOf(samples);
  const times = points.map((p) => p.at);
  const newest = points[points.length - 1];
  const keys = s.keyspace.length ? s.keyspace.reduce((total, k) => total + k.keys, 0) : null;
  const hitRatio = lifetimeHitRatio(s.hits, s.misses);
  const why = missing(kind, s.version !== null || s.hits !== null);
  const names = kindOf(kind).stats;
  const orMissing = (value: number | null, write: (n: number | null) => string) => (value === null ? NOT_REPORTED : write(value));
  const span = samples.length ? (samples[samples.length - 1].at - samples[0].at) / 1000 : 0;

  return (
    <div className="@container space-y-6">
      {failure && <FailureNotice failure={failure} stale />}
      <div className="grid grid-cols-1 gap-3 @xs:grid-cols-2 @3xl:grid-cols-4">
        <Tile
          label="Memory used"
          value={orMissing(s.memory.used, formatBytes)}
          sub={[
            s.memory.peak !== null && `peak ${formatBytes(s.memory.peak)}`,
            `max ${s.memory.max !== null ? formatBytes(s.memory.max) : (names.noMemoryMax ?? NOT_REPORTED)}`,
            s.memory.fragmentationRatio !== null && `fragmentation ${s.memory.fragmentationRatio}`,
          ]
            .filter(Boolean)
            .join(" · ")}
        />
        <Tile label={names.ops} value={orMissing(newest?.opsPerSec ?? null, formatRate)} sub={s.totalCommands !== null ? `${formatCount(s.totalCommands)} since start` : why} />
        <Tile label="Hit ratio" value={orMissing(hitRatio, formatPercent)} sub={s.hits !== null ? `${formatCount(s.hits)} hits · ${formatCount(s.misses)} misses since start` : why} />
        <Tile label="Clients" value={orMissing(s.connectedClients, formatCount)} sub={s.connectedClients === null ? why : undefined} />
        <Tile label="Evictions" value={orMissing(s.evictions, formatCount)} sub={names.evictionsNote && s.evictions !== null ? names.evictionsNote : s.memory.policy ? `policy ${s.memory.policy}` : undefined} />
        <Tile label="Keys" value={orMissing(keys, formatCount)} sub={s.keyspace.length > 1 ? `${s.keyspace.length} ${s.detail.servers ? "servers" : s.detail.caches ? "caches" : "databases"}` : undefined} />
        <Tile label="Uptime" value={orMissing(s.uptimeSeconds, formatSeconds)} sub={s.uptimeSeconds === null ? why : undefined} />
        <Tile label="Server" value={s.version ?? NOT_REPORTED} sub={`sampled every ${formatNumber(data.intervalMs / 1000)} s · ${samples.length} samples`} />
      </div>

      <section className="space-y-3" aria-label="History">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 className="font-semibold">History</h2>
          <p className="text-xs text-slate-500" data-testid="history-span">
            {samples.length} samples over {formatSeconds(Math.round(span))}; the server keeps the last {formatSeconds(Math.round((data.capacity * data.intervalMs) / 1000))} · hover a chart for its values
          </p>
        </div>
        <div className="grid gap-3 @3xl:grid-cols-2">
          <ChartCard
            title="Memory used"
            reported={s.memory.used !== null}
            times={times}
            series={[
              { label: "used", values: points.map((p) => p.memoryUsed), color: COLORS.indigo },
              // The limit only when usage comes near it: drawn against a far-off limit, usage is a flat line at zero.
              ...(s.memory.max !== null && s.memory.used !== null && s.memory.used >= s.memory.max / 4
                ? [{ label: "max", values: points.map((p) => p.memoryMax), color: COLORS.slate, dashed: true }]
                : []),
            ]}
            note={s.memory.max !== null ? `Limit ${formatBytes(s.memory.max)}.` : undefined}
            format={(n) => formatBytes(n)}
            incrs={BINARY_STEPS}
          />
          <ChartCard
            title={names.opsTitle}
            reported={s.totalCommands !== null || s.opsPerSec !== null}
            times={times}
            series={[{ label: names.opsSeries, values: points.map((p) => p.opsPerSec), color: COLORS.sky }]}
            format={(n) => formatRate(n)}
            tick={(n) => `${formatCompact(n)}/s`}
          />
          <ChartCard
            title="Hit ratio"
            reported={s.hits !== null && s.misses !== null}
            note="Hits over reads in each interval; a gap is an interval without reads."
            times={times}
            series={[{ label: "hit ratio", values: points.map((p) => p.hitRatio), color: COLORS.emerald }]}
            format={(n) => formatPercent(n)}
            tick={(n) => `${Math.round(n * 100)} %`}
            range={[0, 1]}
          />
          <ChartCard
            title="Hits and misses per second"
            reported={s.hits !== null && s.misses !== null}
            times={times}
            series={[
              { label: "hits", values: points.map((p) => p.hitsPerSec), color: COLORS.emerald },
              { label: "misses", values: points.map((p) => p.missesPerSec), color: COLORS.rose },
            ]}
            format={(n) => formatRate(n)}
            tick={(n) => `${formatCompact(n)}/s`}
          />
          <ChartCard title="Keys" reported={keys !== null} times={times} series={[{ label: "keys", values: points.map((p) => p.keys), color: COLORS.amber }]} format={(n) => formatCount(n)} tick={formatCompact} />
          <ChartCard title="Clients" reported={s.connectedClients !== null} times={times} series={[{ label: "clients", values: points.map((p) => p.clients), color: COLORS.indigo }]} format={(n) => formatCount(n)} tick={formatCompact} />
          <ChartCard
            title={names.evictionsTitle}
            reported={s.evictions !== null}
            times={times}
            series={[{ label: "evictions", values: points.map((p) => p.evictionsPerSec), color: COLORS.rose }]}
            format={(n) => formatRate(n)}
            tick={(n) => `${formatCompact(n)}/s`}
          />
        </div>
      </section>

      {s.keyspace.length > 0 && (
        <section className="space-y-2">
          <h2 className="font-semibold">Keys</h2>
          <Table head={["Name", "Keys", "With expiry"]} rows={s.keyspace.map((k) => [k.name, formatCount(k.keys), formatCount(k.expires)])} />
        </section>
      )}
      <Detail stats={s} />
    </div>
  );
}

function FailureNotice({ failure, stale }: { failure: SampleFailure; stale?: boolean }) {
  return (
    <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
      The server did not answer the last reading{stale ? "; the figures below are from the last one that worked" : ""}.
      <ErrorText className="mt-1" failure={failure} />
    </div>
  );
}
