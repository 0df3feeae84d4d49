/**
 * Listing memcached keys by streaming `lru_crawler metadump hash` (`stats cachedump` on servers older than
 * 1.5.19), and the prefix walks behind namespace count, delete and expire.
 *
 * Listing design (measured, see `MetadumpStream`): a scan cursor names a dump held in this process
 * (`sessions`), plus the server index and how many entries were already handed out. The dump walks the
 * hash table (every item exactly once, where the LRU walk missed ~500 of 1M freshly loaded items) and is
 * read as fast as memcached sends it, because a hash walk that waits for a slow reader holds an item lock
 * and stalls the server's traffic: entries are parsed straight off the socket while the pages keep up,
 * and the backlog goes to an unlinked temporary file while they do not. Listing a million keys costs
 * one dump, not one per page, and memory stays bounded. A dump idle for `SESSION_IDLE_MS` is dropped
 * (its file goes with it); a cursor whose dump is gone (idle, evicted, or made by another process)
 * dumps again and skips what was handed out, which can repeat or miss keys added or deleted meanwhile.
 */
import { randomBytes } from "node:crypto";
import { DriverError } from "../errors";
import { scanMatcher } from "../glob";
import type { KeyMeta, PrefixOptions, PrefixResult, ScanPage, ScanRequest } from "../types";
import type { DumpEntry } from "./dump-line";
import { MetadumpStream } from "./metadump";
import type { MemcachedPool } from "./pool";

const SESSION_IDLE_MS = 120_000;
/** Open dumps per process; the least recently used one gives way (each holds a spool file). */
const MAX_SESSIONS = 8;
const DEFAULT_PAGE = 1000;
const MAX_PAGE = 100_000;

interface DumpSession {
  id: string;
  address: string;
  position: number;
  stream: MetadumpStream;
  timer: NodeJS.Timeout | null;
  inUse: boolean;
}

/** Open listings of this process, shared by every driver instance so a cursor outlives one request's driver. */
const sessions = new Map<string, DumpSession>();

function endSession(session: DumpSession): void {
  if (session.timer) clearTimeout(session.timer);
  sessions.delete(session.id);
  session.stream.close();
}

function parkSession(session: DumpSession): void {
  session.inUse = false;
  // Map order is insertion order: re-inserting keeps the least recently used first.
  sessions.delete(session.id);
  sessions.set(session.id, session);
  for (const [, oldest] of sessions) {
    if (sessions.size <= MAX_SESSIONS) break;
    if (!oldest.inUse) endSession(oldest);
  }
  session.timer = setTimeout(() => endSession(session), SESSION_IDLE_MS);
  session.timer.unref();
}

function encodeCursor(id: string, server: number, position: number): string {
  return `m1.${id}.${server}.${position}`;
}

function decodeCursor(cursor: string): { id: string; server: number; position: number } {
  const match = /^m1\.([A-Za-z0-9_-]+)\.(\d+)\.(\d+)$/.exec(cursor);
  if (!match) throw new DriverError("INVALID_ARGUMENT", "This listing cursor is not a memcached cursor.");
  return { id: match[1], server: Number(match[2]), position: Number(match[3]) };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DriverError("CANCELLED", "The listing was cancelled.");
}

async function openDump(pool: MemcachedPool, server: number, extra: { filter?: (key: Buffer) => boolean } = {}): Promise<MetadumpStream> {
  const clockOffsetS = (await pool.serverNow(server)) - Date.now() / 1000;
  return MetadumpStream.open({
    address: pool.servers[server],
    timeoutMs: pool.timeoutMs,
    username: pool.username,
    password: pool.password,
    mode: "hash",
    spool: true,
    clockOffsetS,
    ...extra,
  });
}

async function takeSession(pool: MemcachedPool, id: string, server: number, position: number): Promise<DumpSession> {
  const existing = sessions.get(id);
  if (existing && !existing.inUse && existing.address === pool.servers[server] && existing.position === position) {
    if (existing.timer) clearTimeout(existing.timer);
    existing.timer = null;
    existing.inUse = true;
    return existing;
  }
  if (existing && !existing.inUse) endSession(existing);
  const session: DumpSession = {
    id: randomBytes(9).toString("base64url"),
    address: pool.servers[server],
    position: 0,
    stream: await openDump(pool, server),
    timer: null,
    inUse: true,
  };
  sessions.set(session.id, session);
  try {
    while (session.position < position) {
      const skipped = await session.stream.next(Math.min(MAX_PAGE, position - session.position), pool.timeoutMs);
      if (!skipped) break;
      session.position += skipped.length;
    }
  } catch (error) {
    endSession(session);
    throw error;
  }
  return session;
}

function keyFilter(request: { prefix?: Buffer; match?: Buffer }): (key: Buffer) => boolean {
  const { prefix, match } = request;
  const matches = match ? scanMatcher(match) : null;
  return (key) =>
    (!prefix || (key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix))) && (!matches || matches(key));
}

/** A page of the listing: up to `count` dump entries examined, the matching ones returned with their metadata. */
export async function scanKeys(pool: MemcachedPool, request: ScanRequest): Promise<ScanPage> {
  throwIfAborted(request.signal);
  const budget = Math.min(MAX_PAGE, Math.max(1, request.count ?? DEFAULT_PAGE));
  const accepts = keyFilter(request);
  let { id, server, position } = request.cursor ? decodeCursor(request.cursor) : { id: "-", server: 0, position: 0 };
  if (request.type && request.type !== "string") return { cursor: "", done: true, keys: [], meta: [] };
  const keys: Buffer[] = [];
  const meta: KeyMeta[] = [];
  let examined = 0;
  while (server < pool.servers.length && examined < budget) {
    throwIfAborted(request.signal);
    const session = await takeSession(pool, id, server, position);
    let entries: DumpEntry[] | null;
    try {
      entries = await session.stream.next(budget - examined, pool.timeoutMs);
    } catch (error) {
      endSession(session);
      throw error;
    }
    const filtered = request.prefix !== undefined || request.match !== undefined;
    for (const entry of entries ?? []) {
      if (filtered && !accepts(entry.key)) continue;
      keys.push(entry.key);
      meta.push(entry);
    }
    examined += entries?.length ?? 0;
    session.position += entries?.length ?? 0;
    if (session.stream.done || !entries) {
      endSession(session);
      server++;
      id = "-";
      position = 0;
    } else {
      parkSession(session);
      id = session.id;
      position = session.position;
    }
  }
  const done = server >= pool.servers.length;
  return { cursor: done ? "" : encodeCursor(id, server, position), done, keys, meta, progress: { examined, estimated: false, covered: null } };
}

/**
 * Walks every server's dump once, acting batch by batch on the keys under `prefix` on the server that
 * holds them.
 */
export async function walkPrefix(
  pool: MemcachedPool,
  prefix: Buffer,
  prefixOptions: PrefixOptions,
  act: ((server: number, keys: Buffer[]) => Promise<number>) | null,
): Promise<PrefixResult> {
  const batchSize = Math.max(1, prefixOptions.batchSize ?? 500);
  const accepts = keyFilter({ prefix });
  const progress = { scanned: 0, matched: 0, affected: 0 };
  let scannedBefore = 0;
  for (let server = 0; server < pool.servers.length; server++) {
    const stream = await openDump(pool, server, { filter: accepts });
    try {
      for (;;) {
        if (prefixOptions.signal?.aborted) return { matched: progress.matched, affected: progress.affected, cancelled: true };
        const entries = await stream.next(batchSize, pool.timeoutMs);
        progress.scanned = scannedBefore + stream.seen;
        if (!entries) break;
        progress.matched += entries.length;
        if (act && entries.length) progress.affected += await act(server, entries.map((e) => e.key));
        prefixOptions.onProgress?.({ ...progress });
        if (stream.done) break;
      }
      scannedBefore += stream.seen;
    } finally {
      stream.close();
    }
  }
  prefixOptions.onProgress?.({ ...progress });
  return { matched: progress.matched, affected: progress.affected, cancelled: false };
}
