import { formatBytes, formatCount, formatShare } from "@/lib/format";
import type { CacheServerUsage } from "@/lib/wire/analysis";

const cell = "px-2 py-1 text-right tabular-nums";
const head = "px-2 py-1.5 text-right font-medium";

/** The cache's own usage when the analysis ended: memcached's slab classes, uWSGI's caches. */
export function ServerUsage({ usage }: { usage: CacheServerUsage }) {
  const slabs = usage.slabs ?? [];
  const caches = usage.caches ?? [];
  if (slabs.length === 0 && caches.length === 0) return null;
  const several = new Set(slabs.map((s) => s.server)).size > 1;
  return (
    <section aria-labelledby="usage-heading" className="space-y-2" data-testid="server-usage">
      <h2 id="usage-heading" className="text-base font-semibold">
        {slabs.length > 0 ? "Slab classes" : "Cache usage"}
      </h2>
      <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
        {slabs.length > 0 ? (
          <table className="w-full min-w-[22rem] text-sm" data-testid="slab-table">
            <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-800/60 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">
                  Class
                </th>
                <th scope="col" className={head}>
                  Chunk
                </th>
                <th scope="col" className={head}>
                  Used chunks
                </th>
                <th scope="col" className={head}>
                  Pages
                </th>
                <th scope="col" className={head}>
                  Memory
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {slabs.map((s) => (
                <tr key={`${s.server}-${s.id}`} data-slab={s.id}>
                  <td className="px-2 py-1 text-left tabular-nums">
                    {s.id}
                    {several && <span className="ml-1 text-xs text-slate-500">{s.server}</span>}
                  </td>
                  <td className={cell}>{formatBytes(s.chunkSize)}</td>
                  <td className={cell}>
                    {formatCount(s.usedChunks)} / {formatCount(s.totalChunks)} <span className="text-xs text-slate-500">({formatShare(s.usedChunks, s.totalChunks, 0)})</span>
                  </td>
                  <td className={cell}>{formatCount(s.totalPages)}</td>
                  <td className={cell}>{formatBytes(s.memory)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <table className="w-full min-w-[22rem] text-sm" data-testid="cache-usage-table">
            <thead className="bg-slate-50 text-xs text-slate-500 dark:bg-slate-800/60 dark:text-slate-400">
              <tr>
                <th scope="col" className="px-2 py-1.5 text-left font-medium">
                  Cache
                </th>
                <th scope="col" className={head}>
                  Items
                </th>
                <th scope="col" className={head}>
                  Blocks
                </th>
                <th scope="col" className={head}>
                  Hits / misses
                </th>
                <th scope="col" className={head}>
                  Full
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {caches.map((c) => (
                <tr key={c.name} data-cache={c.name}>
                  <td className="px-2 py-1 text-left font-mono text-xs">{c.name}</td>
                  <td className={cell}>
                    {formatCount(c.items)} / {formatCount(c.maxItems)} <span className="text-xs text-slate-500">({formatShare(c.items, c.maxItems, 0)})</span>
                  </td>
                  <td className={cell}>
                    {formatCount(c.blocks)} × {formatBytes(c.blocksize)}
                  </td>
                  <td className={cell}>
                    {formatCount(c.hits)} / {formatCount(c.misses)}
                  </td>
                  <td className={cell}>{formatCount(c.full)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
