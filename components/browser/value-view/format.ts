/** Durations and instants the way the pane shows them; sizes come from the browser-wide helpers. */

export { formatBytes } from "../format";

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m && !d) parts.push(`${m}m`);
  if (!d && !h) parts.push(`${s % 60}s`);
  return parts.join(" ");
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
