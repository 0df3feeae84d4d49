import { AppLink as Link } from "@/components/ui/app-link";
import { formatBytes, formatShare } from "@/lib/format";
import type { AnalysisFigures } from "@/lib/wire/analysis";
import { squarify } from "./treemap-layout";

/** First-level namespaces drawn; the rest are one "other" tile. */
const TILES = 24;

const COLORS = [
  "bg-indigo-500/80",
  "bg-sky-500/80",
  "bg-emerald-500/80",
  "bg-amber-500/80",
  "bg-rose-500/80",
  "bg-violet-500/80",
  "bg-teal-500/80",
  "bg-orange-500/80",
];

interface Tile {
  label: string;
  bytes: number;
  href: string | null;
}

/** Memory by first-level namespace as a squarified treemap; each tile opens its namespace in the key browser. */
export function Treemap({ connectionId, figures }: { connectionId: string; figures: AnalysisFigures }) {
  const first = figures.namespaces.filter((n) => n.depth === 1).sort((a, b) => b.bytes - a.bytes);
  const tiles: Tile[] = first.slice(0, TILES).map((n) => ({ label: n.label, bytes: n.bytes, href: `/c/${connectionId}?ns=${n.prefix}` }));
  const rest = first.slice(TILES).reduce((sum, n) => sum + n.bytes, 0) + figures.rootKeys.bytes;
  if (rest > 0) tiles.push({ label: "other", bytes: rest, href: null });
  tiles.sort((a, b) => b.bytes - a.bytes);
  const total = figures.totals.bytes;
  const rects = squarify(tiles, (tile) => tile.bytes);
  if (rects.length === 0) return null;
  return (
    <section aria-labelledby="treemap-heading" className="space-y-2">
      <h2 id="treemap-heading" className="text-base font-semibold">
        Memory by namespace
      </h2>
      <div className="relative aspect-[2/1] w-full overflow-hidden rounded-lg border border-slate-200 sm:aspect-[3/1] dark:border-slate-800" data-testid="treemap">
        {rects.map(({ item, x, y, w, h }, i) => {
          const share = formatShare(item.bytes, total);
          const style = { left: `${x * 100}%`, top: `${y * 100}%`, width: `${w * 100}%`, height: `${h * 100}%` };
          const title = `${item.label} — ${formatBytes(item.bytes)} (${share})`;
          const body = (
            <span className="block h-full w-full overflow-hidden p-1 text-[11px] leading-tight text-white">
              {w * h > 0.006 && (
                <>
                  <span className="block truncate font-mono font-medium">{item.label}</span>
                  <span className="block truncate opacity-90">{share}</span>
                </>
              )}
            </span>
          );
          const className = `absolute border border-white/70 dark:border-slate-950/70 ${item.href ? COLORS[i % COLORS.length] : "bg-slate-400/80 dark:bg-slate-600/80"}`;
          return item.href ? (
            <Link key={item.label} href={item.href} title={title} aria-label={title} className={`${className} hover:brightness-110`} style={style}>
              {body}
            </Link>
          ) : (
            <div key={item.label} title={title} className={className} style={style}>
              {body}
            </div>
          );
        })}
      </div>
    </section>
  );
}
