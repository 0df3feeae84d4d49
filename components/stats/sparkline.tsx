/** A small line chart in plain SVG: the last minutes of one series, scaled to its own range. */
export function Sparkline({ values, label, format }: { values: (number | null)[]; label: string; format: (n: number) => string }) {
  const points = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => p.v !== null && Number.isFinite(p.v));
  const width = 240;
  const height = 48;
  if (points.length < 2) {
    return (
      <svg role="img" aria-label={`${label}: collecting samples`} viewBox={`0 0 ${width} ${height}`} className="h-12 w-full">
        <line x1="0" x2={width} y1={height - 1} y2={height - 1} className="stroke-slate-200 dark:stroke-slate-700" strokeDasharray="4 4" />
      </svg>
    );
  }
  const max = Math.max(...points.map((p) => p.v));
  const min = Math.min(0, ...points.map((p) => p.v));
  const span = max - min || 1;
  const last = Math.max(values.length - 1, 1);
  const xy = points.map((p) => [(p.i / last) * width, height - 2 - ((p.v - min) / span) * (height - 4)] as const);
  const line = xy.map(([x, y], n) => `${n ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const area = `${line} L${xy[xy.length - 1][0].toFixed(1)},${height} L${xy[0][0].toFixed(1)},${height} Z`;
  return (
    <svg role="img" aria-label={`${label}: from ${format(points[0].v)} to ${format(points[points.length - 1].v)}, peak ${format(max)}`} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" className="h-12 w-full">
      <path d={area} className="fill-indigo-500/15" />
      <path d={line} className="fill-none stroke-indigo-500" strokeWidth="1.5" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
