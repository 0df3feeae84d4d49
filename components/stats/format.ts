/** How the stats page and the overview cards write figures: one unit style everywhere. */

export function bytes(n: number | null): string {
  if (n === null) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit && value < 100 ? +value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : m ? `${m} min${s ? ` ${s} s` : ""}` : `${s} s`;
}

export const count = (n: number | null) => (n === null ? "—" : Math.round(n).toLocaleString("en-US"));
export const percent = (n: number | null) => (n === null ? "—" : `${(n * 100).toFixed(n === 1 || n === 0 ? 0 : 1)} %`);
export const rate = (n: number | null) => (n === null ? "—" : `${n < 10 && n !== 0 ? n.toFixed(1) : Math.round(n).toLocaleString("en-US")}/s`);

/** Short figures for chart axes: 1.2k, 3.4M. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${+(n / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${+(n / 1e3).toFixed(1)}k`;
  return `${+n.toFixed(abs < 10 ? 2 : 0)}`;
}

/** `n` of a figure a backend does not report. */
export const NOT_REPORTED = "not reported";
