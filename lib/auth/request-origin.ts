import { randomBytes, timingSafeEqual } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { BlockList, isIP, type Socket } from "node:net";

/**
 * Where a request came from. Next.js gives route handlers, actions and pages only the headers, and keeps a
 * client's own X-Forwarded-For, so the socket's address is recorded here: Node's `http.server.request.start`
 * channel fires for every request before Next.js sees it, and stamps it with the socket address and the
 * request target. The stamp carries a per-process nonce, so a client sending these headers itself (or a
 * request that arrived before the stamp was installed) is not believed.
 */
const STAMP_HEADER = "x-cacheboard-origin";

const holder = globalThis as unknown as { cacheboardOriginNonce?: string };

export function recordRequestOrigins(): void {
  if (holder.cacheboardOriginNonce) return;
  // A mistyped CACHEBOARD_TRUSTED_PROXIES stops the start here rather than failing every sign-in later.
  trustedProxies();
  const nonce = randomBytes(16).toString("hex");
  holder.cacheboardOriginNonce = nonce;
  subscribe("http.server.request.start", (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    request.headers[STAMP_HEADER] = [nonce, encodeURIComponent(socket.remoteAddress ?? ""), encodeURIComponent(request.url ?? "")].join(" ");
  });
}

function stamp(headers: Headers): { socketAddress: string | null; target: string | null } | null {
  const nonce = holder.cacheboardOriginNonce;
  const [given, address, target] = headers.get(STAMP_HEADER)?.split(" ") ?? [];
  if (!nonce || !given || given.length !== nonce.length || !timingSafeEqual(Buffer.from(given), Buffer.from(nonce))) return null;
  return { socketAddress: normalizeAddress(decodeURIComponent(address ?? "")), target: decodeURIComponent(target ?? "") || null };
}

/** IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d; they are the same client. */
export function normalizeAddress(address: string): string | null {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, "$1");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  const plain = mapped ? mapped[1]! : trimmed;
  return isIP(plain) ? plain.toLowerCase() : null;
}

let trustedCache: { source: string; list: BlockList } | undefined;

/** CACHEBOARD_TRUSTED_PROXIES: comma-separated addresses or CIDR ranges of the reverse proxies in front. */
export function trustedProxies(source = process.env.CACHEBOARD_TRUSTED_PROXIES ?? ""): BlockList {
  if (trustedCache?.source === source) return trustedCache.list;
  const list = new BlockList();
  for (const entry of source.split(",").map((part) => part.trim()).filter(Boolean)) {
    const [address, prefix] = entry.split("/");
    const ip = normalizeAddress(address ?? "");
    const family = ip && isIP(ip) === 6 ? "ipv6" : "ipv4";
    const bits = prefix === undefined ? (family === "ipv6" ? 128 : 32) : Number(prefix);
    if (!ip || !Number.isInteger(bits) || bits < 0 || bits > (family === "ipv6" ? 128 : 32)) {
      throw new Error(`CACHEBOARD_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
    }
    list.addSubnet(ip, bits, family);
  }
  trustedCache = { source, list };
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/**
 * The client's address: the socket's, unless the socket is a configured proxy; then X-Forwarded-For is
 * read from the right, skipping proxies, so entries a client prepended itself are never used. Null when
 * the socket is unknown (the request did not come through this process's HTTP server).
 */
export function clientAddressOf(headers: Headers): string | null {
  const peer = stamp(headers)?.socketAddress ?? null;
  if (!peer) return null;
  const trusted = trustedProxies();
  if (!isTrusted(trusted, peer)) return peer;
  const forwarded = headers.get("x-forwarded-for");
  if (!forwarded) return normalizeAddress(headers.get("x-real-ip") ?? "") ?? peer;
  const hops = forwarded.split(",").map((hop) => normalizeAddress(hop));
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = hops[index];
    // A hop that is not an address was written by someone we do not trust: stop at the last trusted one.
    if (!hop) return hops[index + 1] ?? peer;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return hops[0] ?? peer;
}

export function isLoopback(address: string | null): boolean {
  if (!address) return false;
  return address === "::1" || (isIP(address) === 4 && address.startsWith("127."));
}

/** The path and query this request asked for, as the browser sent it; null when not known. */
export function requestTargetOf(headers: Headers): string | null {
  return stamp(headers)?.target ?? null;
}
