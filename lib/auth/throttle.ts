import "server-only";
import { db } from "../db";

/**
 * Sign-in rate limit, kept in the database so a restart does not reset it. Two counters per attempt: one
 * per (account, client address), so someone guessing an admin's password from their machine locks only
 * themselves out, never the admin signing in from elsewhere; and one per client address, against trying
 * many accounts. An attempt is counted before the password is checked, with a compare-and-swap on the
 * row's version, so parallel attempts are counted one by one and none is checked past the limit; a
 * successful sign-in then takes its own attempt back. Past the free attempts each further one locks the
 * counter for twice as long as the one before (1 minute, 2, 4 … at most an hour). A counter untouched for
 * a day is deleted.
 */
const LIMITS = { account: 5, address: 30 } as const;
const FIRST_LOCK_MS = 60_000;
const MAX_LOCK_MS = 60 * 60_000;
const FORGET_AFTER_MS = 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 10 * 60_000;
/** Each lost compare-and-swap means another attempt on the same counter was counted meanwhile. */
const MAX_TRIES = 100;

interface Counter {
  failures: number;
  lockedUntil: Date | null;
  lastAttemptAt: Date;
  version: number;
}

type Change = { failures: number; lockedUntil: Date | null } | { refused: Date };

export function lockDuration(failures: number, limit: number): number | null {
  if (failures < limit) return null;
  return Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** Math.min(failures - limit, 16));
}

/** Applies `change` to the counter atomically: re-reads and retries when another writer got there first. */
async function update(key: string, change: (row: Counter | null, now: Date) => Change | null): Promise<Date | null> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
    const row = await db().loginThrottle.findUnique({ where: { key } });
    const now = new Date();
    const next = change(row, now);
    if (!next) return null;
    if ("refused" in next) return next.refused;
    const data = { failures: next.failures, lockedUntil: next.lockedUntil, lastAttemptAt: now };
    if (row) {
      const { count } = await db().loginThrottle.updateMany({ where: { key, version: row.version }, data: { ...data, version: { increment: 1 } } });
      if (count === 1) return null;
    } else {
      try {
        await db().loginThrottle.create({ data: { key, ...data } });
        return null;
      } catch (error) {
        if ((error as { code?: string }).code !== "P2002") throw error;
      }
    }
  }
  // So many parallel attempts on one counter are an attack, not a person.
  return new Date(Date.now() + FIRST_LOCK_MS);
}

function take(limit: number) {
  return (row: Counter | null, now: Date): Change => {
    if (row?.lockedUntil && row.lockedUntil > now) return { refused: row.lockedUntil };
    const stale = !row || now.getTime() - row.lastAttemptAt.getTime() > FORGET_AFTER_MS;
    const failures = (stale ? 0 : row.failures) + 1;
    const lock = lockDuration(failures, limit);
    return { failures, lockedUntil: lock === null ? null : new Date(now.getTime() + lock) };
  };
}

function giveBack(limit: number) {
  return (row: Counter | null): Change | null => {
    if (!row) return null;
    const failures = Math.max(0, row.failures - 1);
    return { failures, lockedUntil: failures < limit ? null : row.lockedUntil };
  };
}

let lastPrune = 0;

export async function pruneThrottle(now = new Date()): Promise<number> {
  lastPrune = now.getTime();
  const { count } = await db().loginThrottle.deleteMany({ where: { lastAttemptAt: { lt: new Date(now.getTime() - FORGET_AFTER_MS) } } });
  return count;
}

export function throttleKeys(email: string, address: string | null) {
  const from = address ?? "unknown";
  return { address: `address:${from}`, account: `account:${email}|address:${from}` };
}

export type SignInAttempt = { allowed: false; retryAt: Date } | { allowed: true; succeeded: () => Promise<void> };

/** Counts one sign-in attempt before the password is checked; refuses it while either counter is locked. */
export async function beginSignInAttempt(email: string, address: string | null): Promise<SignInAttempt> {
  if (Date.now() - lastPrune > PRUNE_EVERY_MS) await pruneThrottle();
  const keys = throttleKeys(email, address);
  const addressRefused = await update(keys.address, take(LIMITS.address));
  if (addressRefused) return { allowed: false, retryAt: addressRefused };
  const accountRefused = await update(keys.account, take(LIMITS.account));
  if (accountRefused) {
    await update(keys.address, giveBack(LIMITS.address));
    return { allowed: false, retryAt: accountRefused };
  }
  return {
    allowed: true,
    succeeded: async () => {
      await db().loginThrottle.deleteMany({ where: { key: keys.account } });
      await update(keys.address, giveBack(LIMITS.address));
    },
  };
}
