/**
 * The connection form's editable state as flat text fields, and the conversions between it and a profile's
 * settings object. Pure: the form (a client component) uses it, and the server validates what it builds
 * with the driver's own settings schema.
 */
import type { DriverKind } from "../drivers/types";
import type { ParsedAddress } from "./parse-address";

export interface FormDraft {
  host: string;
  port: string;
  db: string;
  username: string;
  /** Sentinels, cluster nodes or memcached servers: one `host:port` per line (commas also accepted). */
  addresses: string;
  masterName: string;
  sentinelUsername: string;
  sentinelTls: boolean;
  tls: boolean;
  tlsVerify: boolean;
  tlsCa: string;
  tlsCert: string;
  tlsServername: string;
  maxItemBytes: string;
  uwsgiAddress: string;
  uwsgiStatsAddress: string;
  /** uWSGI caches without a stats server: `name` or `name keysize blocksize` per line. */
  uwsgiCaches: string;
}

export const EMPTY_DRAFT: FormDraft = {
  host: "127.0.0.1",
  port: "6379",
  db: "0",
  username: "",
  addresses: "",
  masterName: "",
  sentinelUsername: "",
  sentinelTls: false,
  tls: false,
  tlsVerify: true,
  tlsCa: "",
  tlsCert: "",
  tlsServername: "",
  maxItemBytes: "",
  uwsgiAddress: "",
  uwsgiStatsAddress: "",
  uwsgiCaches: "",
};

type Settings = Record<string, unknown>;

function str(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

function nodesText(list: unknown): string {
  return Array.isArray(list) ? list.map((n: { host?: string; port?: number } | string) => (typeof n === "string" ? n : `${n.host}:${n.port}`)).join("\n") : "";
}

function tlsDraft(settings: Settings): Partial<FormDraft> {
  const tls = settings.tls as Settings | undefined;
  if (!tls || tls.enabled === false) return { tls: false };
  return { tls: true, tlsVerify: tls.verify !== false, tlsCa: str(tls.ca), tlsCert: str(tls.cert), tlsServername: str(tls.servername) };
}

export function draftFromSettings(kind: DriverKind, settings: Settings): FormDraft {
  const draft: FormDraft = { ...EMPTY_DRAFT, ...tlsDraft(settings), username: str(settings.username) };
  switch (kind) {
    case "redis":
      return { ...draft, host: str(settings.host) || EMPTY_DRAFT.host, port: str(settings.port) || "6379", db: str(settings.db) || "0" };
    case "redis-sentinel":
      return {
        ...draft,
        masterName: str(settings.masterName),
        addresses: nodesText(settings.sentinels),
        db: str(settings.db) || "0",
        sentinelUsername: str(settings.sentinelUsername),
        sentinelTls: settings.sentinelTls === true,
      };
    case "redis-cluster":
      return { ...draft, addresses: nodesText(settings.nodes) };
    case "memcached":
      return { ...draft, addresses: nodesText(settings.servers), maxItemBytes: str(settings.maxItemBytes) };
    case "uwsgi": {
      const caches = Array.isArray(settings.caches)
        ? (settings.caches as { name: string; keysize?: number; blocksize?: number }[])
            .map((c) => (c.keysize || c.blocksize ? `${c.name} ${c.keysize ?? 2048} ${c.blocksize ?? 65536}` : c.name))
            .join("\n")
        : "";
      return { ...draft, uwsgiAddress: str(settings.address), uwsgiStatsAddress: str(settings.statsAddress), uwsgiCaches: caches };
    }
  }
}

export function draftFromParsed(parsed: ParsedAddress): FormDraft {
  return draftFromSettings(parsed.kind, parsed.settings);
}

function lines(text: string): string[] {
  return text
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `host:port` text to `{ host, port }`; left as typed when it does not parse, so the schema names the problem. */
function node(text: string, defaultPort: number): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(text);
  if (!match) return { host: text, port: defaultPort };
  return { host: match[1], port: match[2] ? Number(match[2]) : defaultPort };
}

function int(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === "" ? undefined : Number(trimmed);
}

function tlsSettings(draft: FormDraft): Settings | undefined {
  if (!draft.tls) return undefined;
  return {
    enabled: true,
    verify: draft.tlsVerify,
    ...(draft.tlsCa.trim() ? { ca: draft.tlsCa } : {}),
    ...(draft.tlsCert.trim() ? { cert: draft.tlsCert } : {}),
    ...(draft.tlsServername.trim() ? { servername: draft.tlsServername.trim() } : {}),
  };
}

function clean(settings: Settings): Settings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined && v !== ""));
}

export function settingsFromDraft(kind: DriverKind, draft: FormDraft): Settings {
  const username = draft.username.trim() || undefined;
  switch (kind) {
    case "redis":
      return clean({ host: draft.host.trim(), port: int(draft.port), db: int(draft.db), username, tls: tlsSettings(draft) });
    case "redis-sentinel":
      return clean({
        masterName: draft.masterName.trim(),
        sentinels: lines(draft.addresses).map((a) => node(a, 26379)),
        db: int(draft.db),
        username,
        sentinelUsername: draft.sentinelUsername.trim() || undefined,
        tls: tlsSettings(draft),
        sentinelTls: draft.tls ? draft.sentinelTls : undefined,
      });
    case "redis-cluster":
      return clean({ nodes: lines(draft.addresses).map((a) => node(a, 6379)), username, tls: tlsSettings(draft) });
    case "memcached":
      return clean({ servers: lines(draft.addresses), username, maxItemBytes: int(draft.maxItemBytes) });
    case "uwsgi":
      return clean({
        address: draft.uwsgiAddress.trim(),
        statsAddress: draft.uwsgiStatsAddress.trim() || undefined,
        caches: draft.uwsgiCaches.trim()
          ? draft.uwsgiCaches
              .split("\n")
              .map((line) => line.trim().split(/\s+/))
              .filter((parts) => parts[0])
              .map(([name, keysize, blocksize]) => clean({ name, keysize: keysize ? Number(keysize) : undefined, blocksize: blocksize ? Number(blocksize) : undefined }))
          : undefined,
      });
  }
}
