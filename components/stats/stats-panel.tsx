"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ServerStats } from "@/lib/drivers/types";
import { queryKeys } from "@/lib/query-keys";
import { Sparkline } from "./sparkline";

const POLL_MS = 2_000;
/** Five minutes of samples. */
const HISTORY = 150;

interface Sample {
  at: number;
  stats: ServerStats;
}

interface Point {
  at: number;
  memory: number | null;
  ops: number | null;
  hitRatio: number | null;
  clients: number | null;
}

type Reply = { ok: true; at: number; stats: ServerStats } | { ok: false; code: string; message: string };

interface History {
  samples: Sample[];
  failure: { code: string; message: string } | null;
}

function bytes(n: number | null): string {
  if (n === null) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min ${Math.floor(seconds % 60)} s`;
}

const count = (n: number | null) => (n === null ? "—" : n.toLocaleString("en-US"));
const percent = (n: number | null) => (n === null ? "—" : `${(n * 100).toFixed(1)} %`);
const rate = (n: number | null) => (n === null ? "—" : `${n.toFixed(n < 10 ? 1 : 0)}/s`);

/** Per-interval values from two consecutive samples: rates and the hit ratio of the interval, not since start. */
function point(previous: Sample | undefined, current: Sample): Point {
  const s = current.stats;
  const seconds = previous ? (current.at - previous.at) / 1000 : 0;
  const delta = (pick: (x: ServerStats) => number | null) => {
    const a = previous ? pick(previous.stats) : null;
    const b = pick(s);
    return a !== null && b !== null && b >= a ? b - a : null;
  };
  const commands = delta((x) => x.totalCommands);
  const hits = delta((x) => x.hits);
  const misses = delta((x) => x.misses);
  return {
    at: current.at,
    memory: s.memory.used,
    ops: s.opsPerSec ?? (commands !== null && seconds > 0 ? commands / seconds : null),
    hitRatio: hits !== null && misses !== null && hits + misses > 0 ? hits / (hits + misses) : null,
    clients: s.connectedClients,
  };
}

function Tile({ label, value, sub, children }: { label: string; value: string; sub?: string; children?: React.ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums">{value}</div>
      {sub && <div className="text-xs text-slate-500">{sub}</div>}
      {children && <div className="mt-2">{children}</div>}
    </div>
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
            rows={server.slabs.map((s) => [s.id, bytes(s.chunkSize), count(s.usedChunks), count(s.totalChunks), percent(s.totalChunks ? s.usedChunks / s.totalChunks : null)])}
          />
        </section>
      ))}
      {caches && caches.length > 0 && (
        <section className="space-y-2">
          <h2 className="font-semibold">Caches</h2>
          <Table
            head={["Cache", "Key size", "Block size", "Blocks", "Max items", "Items", "Hits", "Misses", "Full"]}
            rows={caches.map((c) => [c.name, bytes(c.keysize), bytes(c.blocksize), count(c.blocks ?? null), count(c.max_items ?? null), count(c.items ?? null), count(c.hits ?? null), count(c.miss ?? null), count(c.full ?? null)])}
          />
        </section>
      )}
      {nodes && nodes.length > 1 && (
        <section className="space-y-2">
          <h2 className="font-semibold">Nodes</h2>
          <Table head={["Node", "Role", "Memory", "Keys"]} rows={nodes.map((n) => [n.address, n.role ?? "—", bytes(n.usedMemory), count(n.keys)])} />
        </section>
      )}
    </>
  );
}

export function StatsPanel({ connectionId }: { connectionId: string }) {
  const queryClient = useQueryClient();
  const queryKey = queryKeys.connectionStats(connectionId);
  const { data, error } = useQuery({
    queryKey,
    // Each reply is one sample appended to the cached history, so the charts survive a visit to another page.
    queryFn: async (): Promise<History> => {
      const reply = (await (await fetch(`/api/connections/${connectionId}/stats`, { cache: "no-store" })).json()) as Reply;
      const previous = queryClient.getQueryData<History>(queryKey)?.samples ?? [];
      if (!reply.ok) return { samples: previous, failure: { code: reply.code, message: reply.message } };
      return { samples: [...previous, { at: reply.at, stats: reply.stats }].slice(-HISTORY), failure: null };
    },
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });

  const failure = data?.failure ?? (error ? { code: "INTERNAL", message: String(error) } : null);
  if (failure) {
    return (
      <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
        <code className="font-mono font-semibold">{failure.code}</code> {failure.message}
      </p>
    );
  }
  const samples = data?.samples ?? [];
  const latest = samples[samples.length - 1];
  if (!latest) return <p className="text-sm text-slate-500">Reading the server&apos;s counters…</p>;
  const s = latest.stats;
  const points = samples.map((sample, i) => point(samples[i - 1], sample));
  const now = points[points.length - 1];
  const lifetimeHitRatio = s.hits !== null && s.misses !== null && s.hits + s.misses > 0 ? s.hits / (s.hits + s.misses) : null;
  const keys = s.keyspace.reduce((total, k) => total + k.keys, 0);

  return (
    <div className="space-y-6">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Tile
          label="Memory used"
          value={bytes(s.memory.used)}
          sub={[s.memory.peak !== null && `peak ${bytes(s.memory.peak)}`, `max ${s.memory.max !== null ? bytes(s.memory.max) : "unlimited"}`, s.memory.fragmentationRatio !== null && `fragmentation ${s.memory.fragmentationRatio}`]
            .filter(Boolean)
            .join(" · ")}
        >
          <Sparkline label="Memory used" values={points.map((p) => p.memory)} format={bytes} />
        </Tile>
        <Tile label="Operations" value={rate(now.ops)} sub={s.totalCommands !== null ? `${count(s.totalCommands)} since start` : undefined}>
          <Sparkline label="Operations per second" values={points.map((p) => p.ops)} format={rate} />
        </Tile>
        <Tile label="Hit ratio" value={percent(lifetimeHitRatio)} sub={`${count(s.hits)} hits · ${count(s.misses)} misses`}>
          <Sparkline label="Hit ratio per interval" values={points.map((p) => p.hitRatio)} format={percent} />
        </Tile>
        <Tile label="Clients" value={count(s.connectedClients)}>
          <Sparkline label="Connected clients" values={points.map((p) => p.clients)} format={count} />
        </Tile>
        <Tile label="Evictions" value={count(s.evictions)} sub={s.memory.policy ? `policy ${s.memory.policy}` : undefined} />
        <Tile label="Keys" value={count(keys)} sub={s.keyspace.length > 1 ? `${s.keyspace.length} ${s.detail.servers ? "servers" : s.detail.caches ? "caches" : "databases"}` : undefined} />
        <Tile label="Uptime" value={duration(s.uptimeSeconds)} />
        <Tile label="Server" value={s.version ?? "—"} sub={`sampled every ${POLL_MS / 1000} s · ${samples.length} samples`} />
      </div>

      {s.keyspace.length > 0 && (
        <section className="space-y-2">
          <h2 className="font-semibold">Keys</h2>
          <Table head={["Name", "Keys", "With expiry"]} rows={s.keyspace.map((k) => [k.name, count(k.keys), count(k.expires)])} />
        </section>
      )}
      <Detail stats={s} />
    </div>
  );
}
