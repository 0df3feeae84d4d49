import "server-only";
import { db } from "../../db";

/** How many lines each person keeps per connection. */
const KEEP = 200;

/** The person's last lines on this connection, oldest first (secrets already redacted when stored). */
export async function readHistory(userId: string, connectionId: string): Promise<string[]> {
  const rows = await db().consoleHistory.findMany({ where: { userId, connectionId }, orderBy: { id: "desc" }, take: KEEP, select: { line: true } });
  return rows.map((row) => row.line).reverse();
}

export async function appendHistory(userId: string, connectionId: string, line: string): Promise<void> {
  const created = await db().consoleHistory.create({ data: { userId, connectionId, line } });
  // Trim now and then rather than on every line.
  if (created.id % 20 === 0) {
    const cutoff = await db().consoleHistory.findFirst({ where: { userId, connectionId }, orderBy: { id: "desc" }, skip: KEEP, select: { id: true } });
    if (cutoff) await db().consoleHistory.deleteMany({ where: { userId, connectionId, id: { lte: cutoff.id } } });
  }
}
