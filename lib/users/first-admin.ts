import "server-only";
import { db } from "../db";
import { hashPassword, passwordProblem } from "../auth/password";

export async function userCount(): Promise<number> {
  return db().user.count();
}

/**
 * First run: with CACHEBOARD_ADMIN_EMAIL and CACHEBOARD_ADMIN_PASSWORD set and no user yet, creates that
 * admin. Returns true when there is (now) at least one user.
 */
export async function ensureAdminFromEnvironment(): Promise<boolean> {
  if ((await userCount()) > 0) return true;
  const email = process.env.CACHEBOARD_ADMIN_EMAIL?.trim().toLowerCase();
  const password = process.env.CACHEBOARD_ADMIN_PASSWORD;
  if (!email || !password) return false;
  const problem = passwordProblem(password);
  if (problem) throw new Error(`CACHEBOARD_ADMIN_PASSWORD is not acceptable: ${problem}`);
  await createFirstAdmin(email, password, null);
  return true;
}

/** Creates the admin only while no user exists; concurrent first visitors cannot both succeed. */
export async function createFirstAdmin(email: string, password: string, name: string | null) {
  const passwordHash = await hashPassword(password);
  return db().$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) return null;
    return tx.user.create({ data: { email, name, passwordHash, role: "admin" } });
  });
}
