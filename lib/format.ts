/**
 * How the app writes figures: sizes, durations and TTLs, counts, rates. One module for the key browser, the
 * stats pages and the audit log, so the same figure reads the same everywhere. Client-safe (no Node APIs).
 * Numbers are written in en-US style (`1,024`) whatever the browser's locale, as the tests and the rest of
 * the text are English; instants use the browser's locale and zone, except where the server renders them
 * too (`formatUtcInstant`).
 */

/** What a figure the caller does not have reads as. */
const NO_FIGURE = "—";
/** A figure a backend does not report: shown as such, never as zero. */
export const NOT_REPORTED = "not reported";

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });
const oneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1, useGrouping: false });
const wholeUngrouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0, useGrouping: false });
const fixedOneDecimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/** `512 B`, `1.5 KiB`, `128 KiB`, `50 MiB`: binary units, one decimal below 100 of a unit. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return NO_FIGURE;
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit > 0 && Math.abs(value) < 100 ? oneDecimal : wholeUngrouped;
  return `${digits.format(value)} ${BYTE_UNITS[unit]}`;
}

/** `1,024`: a whole number with thousands separators. */
export function formatCount(n: number | null): string {
  return n === null ? NO_FIGURE : integer.format(n);
}

/** `0.4`, `1,500`, `2.125`: a measured number, up to three decimals. */
export function formatNumber(n: number | null): string {
  return n === null ? NO_FIGURE : decimal.format(n);
}

/** `75.0 %`, `0 %`, `100 %`: a ratio between 0 and 1. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null) return NO_FIGURE;
  const value = ratio * 100;
  return `${ratio === 0 || ratio === 1 ? integer.format(value) : fixedOneDecimal.format(value)} %`;
}

/**
 * `12.3 %`, `<0.1 %`: a part's share of a whole, in percent with `decimals` (a share too small to show at that
 * precision is not rounded to zero); `—` when there is no whole.
 */
export function formatShare(part: number, whole: number, decimals: 0 | 1 = 1): string {
  if (whole <= 0) return NO_FIGURE;
  const share = (part / whole) * 100;
  const smallest = decimals === 1 ? 0.1 : 1;
  return share > 0 && share < smallest ? `<${smallest} %` : `${share.toFixed(decimals)} %`;
}

/** `2.5/s`, `2.0/s`, `1,200/s`: a rate per second, one decimal below ten. */
export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return NO_FIGURE;
  return `${perSecond !== 0 && perSecond < 10 ? fixedOneDecimal.format(perSecond) : integer.format(perSecond)}/s`;
}

/** Short figures for chart axes: `1.2k`, `3.4M`, `0.25`. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${oneDecimal.format(n / 1e9)}G`;
  if (abs >= 1e6) return `${oneDecimal.format(n / 1e6)}M`;
  if (abs >= 1e4) return `${oneDecimal.format(n / 1e3)}k`;
  return `${+n.toFixed(abs < 10 ? 2 : 0)}`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const DURATION_UNITS = [
  { ms: DAY, narrow: "d", long: "d" },
  { ms: HOUR, narrow: "h", long: "h" },
  { ms: MINUTE, narrow: "m", long: "min" },
  { ms: SECOND, narrow: "s", long: "s" },
] as const;

interface DurationOptions {
  /** `narrow`: `3d 4h`, for countdowns in tight columns; `long`: `3 d 4 h`, `4 min 5 s`. */
  style?: "narrow" | "long";
  /** How many units, from the largest that is not zero (a trailing zero unit is left out). */
  units?: 1 | 2;
}

/**
 * A duration in whole seconds, rounded down (a countdown never shows more time than is left): `42s`, `5m 3s`,
 * `1h`, `3d 4h`; a negative duration reads as zero.
 */
export function formatDuration(ms: number, { style = "narrow", units = 2 }: DurationOptions = {}): string {
  let rest = Math.max(0, Math.floor(ms / SECOND)) * SECOND;
  const first = DURATION_UNITS.findIndex((unit) => rest >= unit.ms);
  const from = first === -1 ? DURATION_UNITS.length - 1 : first;
  const parts: string[] = [];
  for (const unit of DURATION_UNITS.slice(from, from + units)) {
    const n = Math.floor(rest / unit.ms);
    rest -= n * unit.ms;
    if (n === 0 && parts.length > 0) continue;
    parts.push(style === "narrow" ? `${n}${unit.narrow}` : `${n} ${unit.long}`);
  }
  return parts.join(" ");
}

/**
 * A measured duration (how long a run or a command took), finer than a countdown: `320 µs`, `1.5 ms`,
 * `850 ms`, `12.5 s`, then whole units, `4 min 5 s`.
 */
export function formatElapsed(ms: number): string {
  if (ms < 1) return `${wholeUngrouped.format(ms * 1000)} µs`;
  if (ms < SECOND) return `${oneDecimal.format(ms)} ms`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(1)} s`;
  return formatDuration(ms, { style: "long" });
}

/** A duration given in seconds, the way the stats pages show uptime: `3 d 4 h`, `4 min 5 s`. */
export function formatSeconds(seconds: number | null): string {
  return seconds === null ? NO_FIGURE : formatDuration(seconds * SECOND, { style: "long" });
}

/** A TTL in milliseconds, or `no expiry` for a key that never expires. */
export function formatTtl(ttlMs: number | null): string {
  return ttlMs === null ? "no expiry" : formatDuration(ttlMs, { style: "long" });
}

/** How long ago something happened: `just now` under a minute, then `5 min ago`, `2 h ago`, `3 d ago`. */
export function formatAge(ms: number): string {
  return ms < MINUTE ? "just now" : `${formatDuration(ms, { style: "long", units: 1 })} ago`;
}

// Spelled out field by field: `dateStyle`/`timeStyle` cannot be combined with `timeZoneName` (a TypeError).
const instantFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZoneName: "short",
});

/** Local date and time with the zone, so "expires at" is unambiguous. */
export function formatInstant(epochMs: number): string {
  return instantFormat.format(epochMs);
}

const utcFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });

/**
 * `02/01/2030, 03:04:05 UTC`: an instant that reads the same on the server and in every browser, for what
 * both render (the analysis reports' names).
 */
export function formatUtcInstant(instant: number | string): string {
  return `${utcFormat.format(new Date(instant))} UTC`;
}
