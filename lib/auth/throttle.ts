import "server-only";
import { db } from "../db";

/**
 * Sign-in rate limit, per email and per client address: after 5 failures within 15 minutes the key is
 * locked for 15 minutes. Kept in the database so a restart does not reset it.
 */
const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60 * 1000;
const LOCK_MS = 15 * 60 * 1000;

export async function lockedUntil(keys: string[]): Promise<Date | null> {
  const rows = await db().loginThrottle.findMany({ where: { key: { in: keys } } });
  const now = Date.now();
  const locks = rows.map((row) => row.lockedUntil).filter((d): d is Date => d !== null && d.getTime() > now);
  return locks.length ? new Date(Math.max(...locks.map((d) => d.getTime()))) : null;
}

export async function recordFailure(keys: string[]): Promise<void> {
  const now = new Date();
  for (const key of keys) {
    const row = await db().loginThrottle.findUnique({ where: { key } });
    const fresh = !row || now.getTime() - row.windowStart.getTime() > WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const data = {
      failures,
      windowStart: fresh ? now : row.windowStart,
      lockedUntil: failures >= MAX_FAILURES ? new Date(now.getTime() + LOCK_MS) : null,
    };
    await db().loginThrottle.upsert({ where: { key }, create: { key, ...data }, update: data });
  }
}

export async function clearFailures(keys: string[]): Promise<void> {
  await db().loginThrottle.deleteMany({ where: { key: { in: keys } } });
}
