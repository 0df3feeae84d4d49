import "server-only";
import { db, type AuditEntry } from "../db";

/** The audit page's filters, as they appear in its URL and in the export links. */
interface AuditFilter {
  actor?: string;
  connection?: string;
  action?: string;
  /** Keys starting with this text (UTF-8). */
  keyPrefix?: string;
  outcome?: string;
  /** ISO dates or datetimes, inclusive. */
  from?: string;
  to?: string;
}

const FILTER_NAMES = ["actor", "connection", "action", "keyPrefix", "outcome", "from", "to"] as const;

export function filterFromParams(params: URLSearchParams | Record<string, string | string[] | undefined>): AuditFilter {
  const get = (name: string) => {
    const value = params instanceof URLSearchParams ? params.get(name) : params[name];
    const text = Array.isArray(value) ? value[0] : value;
    return text?.trim() ? text.trim().slice(0, 500) : undefined;
  };
  return Object.fromEntries(FILTER_NAMES.map((name) => [name, get(name)]).filter(([, v]) => v !== undefined)) as AuditFilter;
}

export function filterToParams(filter: AuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filter[name]) params.set(name, filter[name]!);
  return params;
}

function date(text: string | undefined, endOfDay: boolean): Date | undefined {
  if (!text) return undefined;
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const parsed = new Date(dayOnly ? `${text}T${endOfDay ? "23:59:59.999" : "00:00:00.000"}Z` : text);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

function where(filter: AuditFilter) {
  const from = date(filter.from, false);
  const to = date(filter.to, true);
  return {
    ...(filter.actor ? { actorEmail: { contains: filter.actor } } : {}),
    ...(filter.connection ? { OR: [{ connectionId: filter.connection }, { connectionName: filter.connection }] } : {}),
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(from || to ? { at: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } : {}),
  };
}

/**
 * Keys are bytes, and neither SQLite nor PostgreSQL offers a portable byte-prefix match through Prisma, so
 * the key prefix is applied here while paging through the other filters.
 */
function keyMatches(entry: AuditEntry, prefix: Buffer | null): boolean {
  if (!prefix) return true;
  if (!entry.targetKey) return false;
  const key = Buffer.from(entry.targetKey);
  return key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix);
}

const BATCH = 500;

/** Entries newest first, `limit` at a time, continuing below `beforeId`. */
export async function listAuditEntries(filter: AuditFilter, options: { limit: number; beforeId?: number }): Promise<{ entries: AuditEntry[]; nextBeforeId: number | null }> {
  const prefix = filter.keyPrefix ? Buffer.from(filter.keyPrefix, "utf8") : null;
  const entries: AuditEntry[] = [];
  let cursor = options.beforeId;
  for (;;) {
    const batch = await db().auditEntry.findMany({
      where: { ...where(filter), ...(cursor ? { id: { lt: cursor } } : {}), ...(prefix ? { targetKey: { not: null } } : {}) },
      orderBy: { id: "desc" },
      take: prefix ? BATCH : options.limit + 1,
    });
    for (const entry of batch) {
      if (!keyMatches(entry, prefix)) continue;
      if (entries.length === options.limit) return { entries, nextBeforeId: entries[entries.length - 1].id };
      entries.push(entry);
    }
    if (batch.length < (prefix ? BATCH : options.limit + 1)) return { entries, nextBeforeId: null };
    cursor = batch[batch.length - 1].id;
  }
}

/** Every matching entry, newest first, in batches: exports never hold the whole log in memory. */
export async function* eachAuditEntry(filter: AuditFilter): AsyncGenerator<AuditEntry> {
  let beforeId: number | undefined;
  for (;;) {
    const page = await listAuditEntries(filter, { limit: BATCH, beforeId });
    yield* page.entries;
    if (page.nextBeforeId === null) return;
    beforeId = page.nextBeforeId;
  }
}

/** Distinct values for the filter pickers. */
export async function auditFacets(): Promise<{ actors: string[]; actions: string[]; connections: { id: string; name: string }[] }> {
  const [actors, actions, connections] = await Promise.all([
    db().auditEntry.findMany({ distinct: ["actorEmail"], select: { actorEmail: true }, orderBy: { actorEmail: "asc" } }),
    db().auditEntry.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
    db().auditEntry.findMany({
      distinct: ["connectionId"],
      where: { connectionId: { not: null } },
      select: { connectionId: true, connectionName: true },
      orderBy: { connectionId: "asc" },
    }),
  ]);
  return {
    actors: actors.map((a) => a.actorEmail),
    actions: actions.map((a) => a.action),
    connections: connections.map((c) => ({ id: c.connectionId!, name: c.connectionName ?? c.connectionId! })),
  };
}
