"use client";

import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "react";
import uPlot from "uplot";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** A colour that reads on both light and dark backgrounds. */
  color: string;
  dashed?: boolean;
}

interface Props {
  title: string;
  /** Sample times, in milliseconds. */
  times: number[];
  series: ChartSeries[];
  /** Writes a value with its unit (legend, hover). */
  format: (n: number) => string;
  /** Writes an axis tick; defaults to `format`. */
  tick?: (n: number) => string;
  /** Tick steps for the value axis (binary ones for bytes); uPlot's decimal steps otherwise. */
  incrs?: number[];
  /** A fixed value range (a ratio: 0..1); otherwise from 0 to the data's top. */
  range?: [number, number];
  height?: number;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const minutes = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** Axis, grid and tick colours come from CSS, so the chart follows the page's theme when it is redrawn. */
const cssColor = (u: uPlot, variable: string) => getComputedStyle(u.root).getPropertyValue(variable).trim() || "#64748b";

/**
 * A time-series chart (uPlot, drawn on canvas): time axis, a value axis in the figure's unit, and a legend
 * that shows the values under the pointer. Null values are gaps (a failed reading, or nothing to compute).
 */
export function TimeChart({ title, times, series, format, tick, incrs, range, height = 150 }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => s.values)];
  const shape = series.map((s) => `${s.label}:${s.color}:${s.dashed}`).join("|");
  // What the chart's callbacks and setData read; updated after each render, before the chart effects run.
  const latest = useRef({ format, tick, data });
  useEffect(() => {
    latest.current = { format, tick, data };
  });

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    // The tick labels drawn are also written on the figure (data-x-ticks, data-y-ticks) for assistive tech and tests.
    const record = (side: "x" | "y", labels: string[]) => {
      element.parentElement?.setAttribute(`data-${side}-ticks`, labels.join(" | "));
      return labels;
    };
    const axis = (side: "x" | "y"): uPlot.Axis => ({
      stroke: (u) => cssColor(u, "--chart-text"),
      grid: { stroke: (u) => cssColor(u, "--chart-grid"), width: 1 },
      ticks: { stroke: (u) => cssColor(u, "--chart-grid"), width: 1, size: 4 },
      font: "11px system-ui, sans-serif",
      ...(side === "y"
        ? {
            values: (_u, splits) => record("y", splits.map((v) => (latest.current.tick ?? latest.current.format)(v))),
            ...(incrs ? { incrs } : {}),
            size: (_u, values) => (values ? Math.max(...values.map((v) => String(v).length)) * 6.5 + 14 : 40),
          }
        : {
            space: 80,
            values: (_u, splits) => {
              const span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
              return record("x", splits.map((t) => (span >= 600 ? minutes : clock).format(t * 1000)));
            },
          }),
    });
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 120),
      height,
      legend: { live: true },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: {
        x: { time: true },
        y: {
          range: range
            ? () => range
            : (_u, _min, max) => {
                const top = Number.isFinite(max) && max > 0 ? max * 1.1 : 1;
                return [0, top];
              },
        },
      },
      series: [
        // Away from the pointer the legend shows the newest values; under it, the values at the pointer.
        { label: "Time", value: (u, v, _s, idx) => (idx === null ? newest(u.data[0], (t) => `${clock.format(t * 1000)} (latest)`) : v === null ? "—" : clock.format(v * 1000)) },
        ...series.map(
          (s): uPlot.Series => ({
            label: s.label,
            stroke: s.color,
            width: 1.5,
            dash: s.dashed ? [5, 4] : undefined,
            fill: s.dashed ? undefined : `${s.color}22`,
            points: { show: false },
            value: (u, v, seriesIdx, idx) => (idx === null ? newest(u.data[seriesIdx], latest.current.format) : v === null || v === undefined ? "—" : latest.current.format(v)),
          }),
        ),
      ],
      axes: [axis("x"), axis("y")],
    };
    const u = new uPlot(options, latest.current.data, element);
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(element.clientWidth, 120), height }));
    resize.observe(element);
    const redraw = () => u.redraw(false, true);
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    scheme.addEventListener("change", redraw);
    const theme = new MutationObserver(redraw);
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ["class", "data-theme", "style"] });
    return () => {
      resize.disconnect();
      scheme.removeEventListener("change", redraw);
      theme.disconnect();
      u.destroy();
      chart.current = null;
    };
    // The chart is rebuilt only when its series change; new data goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, range?.[0], range?.[1], incrs?.join()]);

  useEffect(() => {
    chart.current?.setData(latest.current.data);
  });

  const known = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const first = times[0];
  const last = times[times.length - 1];
  const summary =
    times.length === 0
      ? `${title}: no samples yet`
      : `${title}: ${times.length} samples from ${clock.format(first)} to ${clock.format(last)}${known.length ? `, latest ${series.map((s) => `${s.label} ${lastValue(s.values, format)}`).join(", ")}` : ""}`;

  return (
    <figure
      className="min-w-0 overflow-hidden [--chart-grid:var(--color-slate-200)] [--chart-text:var(--color-slate-500)] dark:[--chart-grid:var(--color-slate-800)] dark:[--chart-text:var(--color-slate-400)]"
      aria-label={summary}
      data-testid="time-chart"
      data-samples={times.length}
      data-first-at={first ?? ""}
    >
      <div
        ref={host}
        className="w-full text-xs text-slate-600 dark:text-slate-300 [&_.u-legend]:mt-1 [&_.u-legend]:text-xs [&_.u-legend_.u-label]:font-medium [&_.u-legend_.u-value]:tabular-nums"
      />
    </figure>
  );
}

function newest(values: ArrayLike<number | null | undefined>, format: (n: number) => string): string {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return format(v);
  }
  return "—";
}

function lastValue(values: (number | null)[], format: (n: number) => string): string {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null) return format(v);
  }
  return "—";
}
