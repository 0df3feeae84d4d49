import "server-only";
import { db } from "../db";
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from "../db-errors";
import { DriverError, isDriverError } from "../drivers/errors";
import type { ErrorCode } from "../wire/errors";
import { loadConnection } from "./load";

export interface ConnectionHealth {
  id: string;
  ok: boolean;
  latencyMs: number | null;
  version: string | null;
  code: ErrorCode | null;
  message: string | null;
  checkedAt: string;
}

/** Every open dashboard polls the sidebar dots; one ping per connection per window serves them all. */
const FRESH_MS = 10_000;
/** The sidebar should not wait on a profile's long timeout to show that a server is slow to answer. */
const PING_DEADLINE_MS = 3_000;

const holder = globalThis as unknown as { cacheboardHealth?: Map<string, { at: number; result: Promise<ConnectionHealth> }> };
const cache = (holder.cacheboardHealth ??= new Map());

async function ping(id: string): Promise<ConnectionHealth> {
  const checkedAt = new Date().toISOString();
  const connection = await loadConnection(id);
  if (!connection) return { id, ok: false, latencyMs: null, version: null, code: "NOT_FOUND", message: "The connection was removed.", checkedAt };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DriverError("TIMEOUT", "No answer within 3 s")), PING_DEADLINE_MS);
  });
  try {
    const result = await Promise.race([connection.driver().ping(), deadline]);
    return { id, ok: true, latencyMs: Math.round(result.latencyMs * 10) / 10, version: result.version, code: null, message: null, checkedAt };
  } catch (error) {
    // A driver's own code; anything else (a bug, a database failure while loading the profile) is not the server's answer.
    const code: ErrorCode = isDriverError(error) ? error.code : isDatabaseUnavailable(error) ? DATABASE_UNAVAILABLE : "INTERNAL";
    const message = error instanceof Error ? error.message : String(error);
    return { id, ok: false, latencyMs: null, version: null, code, message, checkedAt };
  } finally {
    clearTimeout(timer);
  }
}

export async function connectionHealth(): Promise<ConnectionHealth[]> {
  const rows = await db().connectionProfile.findMany({ select: { id: true, updatedAt: true } });
  const now = Date.now();
  return Promise.all(
    rows.map((row) => {
      const cached = cache.get(row.id);
      if (cached && now - cached.at < FRESH_MS && cached.at > row.updatedAt.getTime()) return cached.result;
      const result = ping(row.id);
      cache.set(row.id, { at: now, result });
      return result;
    }),
  );
}
