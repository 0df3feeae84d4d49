import "server-only";
import { Refusal } from "../../server/refusal";
import { db } from "../../db";

/**
 * Refuses a change that would leave no active admin: nobody could then manage users or connections, and
 * there is no first-run setup to fall back on once accounts exist.
 */
export async function keepAnAdmin(userId: string, what: string): Promise<void> {
  const others = await db().user.count({ where: { role: "admin", disabled: false, id: { not: userId } } });
  if (others === 0) throw new Refusal("LAST_ADMIN", `This is the last active admin; ${what} would leave nobody to manage Cacheboard.`);
}
