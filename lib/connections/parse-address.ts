/**
 * Turns what people paste — a Redis URL (`redis://`, `rediss://`, `redis+sentinel://`) or a memcached server
 * list (`host:port,host:port`) — into the fields of the connection form. Pure, so the form runs it in the
 * browser as the person types and the tests run it without a server.
 */

type ParsedKind = "redis" | "redis-sentinel" | "memcached";

export interface ParsedAddress {
  kind: ParsedKind;
  settings: Record<string, unknown>;
  /** Secrets found in the text (a URL password); the form moves them into the write-only secret fields. */
  secrets: { password?: string; sentinelPassword?: string };
}

type ParseResult = { ok: true; value: ParsedAddress } | { ok: false; message: string };

const REDIS_PORT = 6379;
const SENTINEL_PORT = 26379;
const MEMCACHED_PORT = 11211;

interface HostPort {
  host: string;
  port: number;
}

function fail(message: string): ParseResult {
  return { ok: false, message };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`; null when the port is not a number in range. */
function hostPort(text: string, defaultPort: number): HostPort | null {
  let host: string;
  let port: string | undefined;
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) return null;
    host = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (rest && !rest.startsWith(":")) return null;
    port = rest ? rest.slice(1) : undefined;
  } else {
    const colon = text.lastIndexOf(":");
    // More than one colon without brackets is a bare IPv6 address without a port.
    if (colon >= 0 && text.indexOf(":") === colon) {
      host = text.slice(0, colon);
      port = text.slice(colon + 1);
    } else {
      host = text;
    }
  }
  if (!host) return null;
  if (port === undefined || port === "") return { host: decode(host), port: defaultPort };
  if (!/^\d{1,5}$/.test(port)) return null;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? { host: decode(host), port: n } : null;
}

interface UrlParts {
  scheme: string;
  username?: string;
  password?: string;
  hosts: string;
  path: string;
  query: URLSearchParams;
}

/**
 * `text` with the secrets `parseAddress` took from it removed (`redis://user:pw@h` → `redis://user@h`,
 * `redis://pw@h` → `redis://h`, `?sentinel_password=` dropped), so the paste box stops showing a password
 * once it is in its write-only field.
 */
export function withoutSecrets(text: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/i.exec(text.trim());
  if (!match) return text;
  const [, scheme, authority, path, query, fragment] = match;
  const at = authority!.lastIndexOf("@");
  let cleanAuthority = authority!;
  if (at >= 0) {
    const userinfo = authority!.slice(0, at);
    const colon = userinfo.indexOf(":");
    // Without a colon the userinfo is a password (redis-py's `redis://secret@host`).
    const user = colon >= 0 ? userinfo.slice(0, colon) : "";
    cleanAuthority = `${user ? `${user}@` : ""}${authority!.slice(at + 1)}`;
  }
  let cleanQuery = "";
  if (query !== undefined) {
    const kept = query.split("&").filter((part) => part && !/^sentinel_password=/i.test(part));
    cleanQuery = kept.length ? `?${kept.join("&")}` : "";
  }
  return `${scheme}${cleanAuthority}${path}${cleanQuery}${fragment ?? ""}`;
}

/** A URL split by hand: `new URL` rejects the comma-separated host lists Sentinel URLs carry. */
function splitUrl(text: string): UrlParts | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/i.exec(text);
  if (!match) return null;
  const [, scheme, authority, path, query] = match;
  const at = authority.lastIndexOf("@");
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  const hosts = at >= 0 ? authority.slice(at + 1) : authority;
  let username: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":");
    username = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo) || undefined;
    password = colon >= 0 ? decode(userinfo.slice(colon + 1)) || undefined : undefined;
    // `redis://secret@host` is how redis-py spells a password without a user.
    if (colon < 0 && username !== undefined) {
      password = username;
      username = undefined;
    }
  }
  return { scheme: scheme.toLowerCase(), username, password, hosts, path, query: new URLSearchParams(query ?? "") };
}

function dbIndex(text: string | undefined | null): number | null {
  if (text === undefined || text === null || text === "") return 0;
  return /^\d+$/.test(text) ? Number(text) : null;
}

function tlsFrom(query: URLSearchParams): Record<string, unknown> {
  const reqs = query.get("ssl_cert_reqs")?.toLowerCase();
  const verify = !(reqs === "none" || reqs === "cert_none");
  const servername = query.get("ssl_server_hostname") ?? query.get("servername") ?? undefined;
  return { enabled: true, verify, ...(servername ? { servername } : {}) };
}

function parseRedisUrl(parts: UrlParts): ParseResult {
  if (parts.hosts.includes(",")) return fail("A redis:// URL names one server; use redis+sentinel:// for sentinels.");
  const address = hostPort(parts.hosts || "127.0.0.1", REDIS_PORT);
  if (!address) return fail("The host or port of the URL is not valid.");
  const db = dbIndex(parts.path.replace(/^\//, "") || parts.query.get("db"));
  if (db === null) return fail("The database in the URL path must be a number, as in redis://host:6379/0.");
  const settings: Record<string, unknown> = { host: address.host, port: address.port, db };
  if (parts.username) settings.username = parts.username;
  if (parts.scheme === "rediss") settings.tls = tlsFrom(parts.query);
  return { ok: true, value: { kind: "redis", settings, secrets: parts.password ? { password: parts.password } : {} } };
}

/**
 * `redis+sentinel://[user:pass@]host[:port][,host[:port]…]/<master>[/<db>]`; the master name may also come
 * as `?service_name=` or `?master_name=`. The URL's credentials are the data servers'; sentinel credentials
 * (`?sentinel_password=`) are taken when given.
 */
function parseSentinelUrl(parts: UrlParts, tls: boolean): ParseResult {
  const sentinels: HostPort[] = [];
  for (const item of parts.hosts.split(",").map((s) => s.trim()).filter(Boolean)) {
    const address = hostPort(item, SENTINEL_PORT);
    if (!address) return fail(`"${item}" is not a valid sentinel address.`);
    sentinels.push(address);
  }
  if (sentinels.length === 0) return fail("Name at least one sentinel, as in redis+sentinel://host:26379/mymaster.");
  const segments = parts.path.split("/").filter(Boolean).map(decode);
  const masterName = parts.query.get("service_name") ?? parts.query.get("master_name") ?? segments[0];
  if (!masterName) return fail("The URL needs the master name, as in redis+sentinel://host:26379/mymaster/0.");
  const db = dbIndex(segments[parts.query.has("service_name") || parts.query.has("master_name") ? 0 : 1] ?? parts.query.get("db"));
  if (db === null) return fail("The database after the master name must be a number.");
  const settings: Record<string, unknown> = { masterName, sentinels, db };
  if (parts.username) settings.username = parts.username;
  if (tls) settings.tls = tlsFrom(parts.query);
  const sentinelPassword = parts.query.get("sentinel_password") ?? undefined;
  const sentinelUsername = parts.query.get("sentinel_username") ?? undefined;
  if (sentinelUsername) settings.sentinelUsername = sentinelUsername;
  return {
    ok: true,
    value: {
      kind: "redis-sentinel",
      settings,
      secrets: { ...(parts.password ? { password: parts.password } : {}), ...(sentinelPassword ? { sentinelPassword } : {}) },
    },
  };
}

/** `host:port,host:port` (commas, semicolons or white space between), optionally with `memcached://`. */
function parseMemcachedList(text: string): ParseResult {
  const items = text
    .replace(/^memcached:\/\//i, "")
    .split(/[\s,;]+/)
    .map((s) => s.replace(/^memcached:\/\//i, ""))
    .filter(Boolean);
  if (items.length === 0) return fail("Paste a Redis URL or a memcached server list.");
  const servers: string[] = [];
  for (const item of items) {
    const address = hostPort(item, MEMCACHED_PORT);
    if (!address) return fail(`"${item}" is not a host:port address.`);
    // Kept as spelled when a port is given: client-side pool placement hashes these names.
    servers.push(/:\d+$/.test(item) ? item : address.host.includes(":") ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`);
  }
  return { ok: true, value: { kind: "memcached", settings: { servers }, secrets: {} } };
}

export function parseAddress(input: string): ParseResult {
  const text = input.trim();
  if (!text) return fail("Paste a Redis URL or a memcached server list.");
  const parts = splitUrl(text);
  if (parts) {
    switch (parts.scheme) {
      case "redis":
      case "rediss":
        return parseRedisUrl(parts);
      case "redis+sentinel":
      case "sentinel":
        return parseSentinelUrl(parts, false);
      case "rediss+sentinel":
        return parseSentinelUrl(parts, true);
      case "memcached":
        return parseMemcachedList(text);
      default:
        return fail(`"${parts.scheme}://" URLs are not understood; use redis://, rediss://, redis+sentinel:// or host:port.`);
    }
  }
  return parseMemcachedList(text);
}
