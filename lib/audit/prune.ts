import "server-only";
import { db } from "../db";
import { getSettings } from "../settings";
import { recordAudit } from "./record";

interface PruneResult {
  deleted: number;
  olderThan: string | null;
  keptNewest: number | null;
}

/**
 * The only way audit entries are ever removed: the retention rule (days and/or count) from the settings.
 * A prune that removes anything writes its own entry, which the rule then keeps as the newest one.
 */
export async function pruneAudit(actor: { id: string; email: string } | null = null): Promise<PruneResult> {
  const { auditRetentionDays: days, auditRetentionCount: count } = await getSettings();
  let deleted = 0;
  let olderThan: Date | null = null;
  if (days !== null && days > 0) {
    olderThan = new Date(Date.now() - days * 86_400_000);
    deleted += (await db().auditEntry.deleteMany({ where: { at: { lt: olderThan } } })).count;
  }
  if (count !== null && count > 0) {
    const boundary = await db().auditEntry.findFirst({ orderBy: { id: "desc" }, skip: count - 1, select: { id: true } });
    if (boundary) deleted += (await db().auditEntry.deleteMany({ where: { id: { lt: boundary.id } } })).count;
  }
  const result = { deleted, olderThan: olderThan?.toISOString() ?? null, keptNewest: count };
  if (deleted > 0 || actor) {
    await recordAudit({ actor, system: !actor, action: "audit.prune", detail: { ...result, retentionDays: days, retentionCount: count }, outcome: "ok" });
  }
  return result;
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const holder = globalThis as unknown as { cacheboardPruneTimer?: NodeJS.Timeout };

/** Prunes now and then hourly, once per server process. */
export function schedulePrune(): void {
  if (holder.cacheboardPruneTimer) return;
  const run = () => pruneAudit().catch((error: unknown) => console.error("Audit prune failed:", error));
  void run();
  holder.cacheboardPruneTimer = setInterval(run, PRUNE_INTERVAL_MS);
  holder.cacheboardPruneTimer.unref();
}
