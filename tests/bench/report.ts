export interface BenchFigure {
  name: string;
  /** What we measured, in `unit`. */
  value: number;
  unit: string;
  /** The same work done the raw way (or by a peer) in the same run. */
  baseline?: { name: string; value: number };
  /** The same work done by the peer tools (redis-commander, p3x-redis-ui) in the same run. */
  peers?: { name: string; value: number }[];
  /** value / baseline.value, or value / limit for absolute targets. */
  ratio?: number;
  /** The ratio must not exceed this. */
  target?: number;
  /** Set by benches whose targets are not a ratio limit (e.g. "≥ 150 req/s"): whether the target was missed. */
  missed?: boolean;
  note?: string;
}

export function figure(
  name: string,
  value: number,
  unit: string,
  options: { baseline?: { name: string; value: number }; target?: number; limit?: number; note?: string } = {},
): BenchFigure {
  const ratio = options.baseline
    ? value / options.baseline.value
    : options.limit !== undefined
      ? value / options.limit
      : undefined;
  return { name, value, unit, baseline: options.baseline, ratio, target: options.target, note: options.note };
}

export function formatFigure(f: BenchFigure): string {
  const v = `${round(f.value)} ${f.unit}`;
  const base = f.baseline ? `  vs ${f.baseline.name} ${round(f.baseline.value)} ${f.unit}` : "";
  const peer = (f.peers ?? []).map((p) => `  · ${p.name} ${round(p.value)} ${f.unit}`).join("");
  const ratio = f.ratio !== undefined ? `  ratio ${f.ratio.toFixed(2)}` : "";
  const target = f.target !== undefined ? ` (target ≤ ${f.target})${f.ratio !== undefined && f.ratio > f.target ? " OVER" : " ok"}` : "";
  return `${f.name}: ${v}${base}${ratio}${peer}${target}${f.note ? `  — ${f.note}` : ""}`;
}

function round(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2);
}
