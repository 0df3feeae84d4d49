/** Conversions between the connection form's text fields and settings values that several kinds share. */
import type { SettingsDraft } from "./draft";
import type { Settings } from "./types";

export function str(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

export function nodesText(list: unknown): string {
  return Array.isArray(list) ? list.map((n: { host?: string; port?: number } | string) => (typeof n === "string" ? n : `${n.host}:${n.port}`)).join("\n") : "";
}

export function lines(text: string): string[] {
  return text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `host:port` text to `{ host, port }`; left as typed when it does not parse, so the schema names the problem. */
export function node(text: string, defaultPort: number): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(text);
  if (!match) return { host: text, port: defaultPort };
  return { host: match[1], port: match[2] ? Number(match[2]) : defaultPort };
}

export function int(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === "" ? undefined : Number(trimmed);
}

/** Drops empty fields, so the stored settings hold only what was set. */
export function clean(settings: Settings): Settings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined && v !== ""));
}

export function username(draft: SettingsDraft): string | undefined {
  return draft.username.trim() || undefined;
}

export function tlsDraft(settings: Settings): Partial<SettingsDraft> {
  const tls = settings.tls as Settings | undefined;
  if (!tls || tls.enabled === false) return { tls: false };
  return { tls: true, tlsVerify: tls.verify !== false, tlsCa: str(tls.ca), tlsCert: str(tls.cert), tlsServername: str(tls.servername) };
}

export function tlsSettings(draft: SettingsDraft): Settings | undefined {
  if (!draft.tls) return undefined;
  return {
    enabled: true,
    verify: draft.tlsVerify,
    ...(draft.tlsCa.trim() ? { ca: draft.tlsCa } : {}),
    ...(draft.tlsCert.trim() ? { cert: draft.tlsCert } : {}),
    ...(draft.tlsServername.trim() ? { servername: draft.tlsServername.trim() } : {}),
  };
}
