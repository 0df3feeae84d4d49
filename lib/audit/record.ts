import "server-only";
import { valueDigest } from "../drivers/digest";
import { db } from "../db";
import { cachedSettings } from "../settings";

export interface AuditSnapshot {
  /** The value bytes (string value, or a DUMP payload for other types); dropped above the size cap. */
  value?: Buffer | null;
  /** Digest of the value; kept even when the value itself is too large to keep. */
  digest?: string | null;
  /** Type, TTL, size, encoding of `value` ("raw" or "dump"), and whatever else undo needs. */
  meta?: Record<string, unknown>;
}

export interface AuditInput {
  actor: { id: string; email: string } | null;
  /** Done by the server itself (start-up declarations, retention prune) rather than by a person. */
  system?: boolean;
  connection?: { id: string; name: string } | null;
  action: string;
  targetKey?: Buffer | null;
  detail?: Record<string, unknown>;
  before?: AuditSnapshot;
  after?: AuditSnapshot;
  outcome: "ok" | "error" | "denied";
  error?: { code: string; message: string };
  clientAddress?: string | null;
  undoOfId?: number | null;
}

const DEFAULT_SNAPSHOT_MAX_BYTES = 1024 * 1024;

/** The environment pins the cap for a deployment; otherwise the admin's setting, otherwise 1 MiB. */
export function snapshotMaxBytes(): number {
  const text = process.env.CACHEBOARD_AUDIT_SNAPSHOT_MAX_BYTES;
  const configured = text ? Number(text) : NaN;
  if (Number.isFinite(configured) && configured >= 0) return configured;
  return cachedSettings().auditSnapshotMaxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
}

function columns(snapshot: AuditSnapshot | undefined) {
  if (!snapshot) return { value: null, digest: null, meta: null };
  const value = snapshot.value ?? null;
  const tooLarge = value !== null && value.length > snapshotMaxBytes();
  const meta = { ...snapshot.meta, ...(tooLarge ? { truncated: true, size: value.length } : {}) };
  return {
    value: value && !tooLarge ? new Uint8Array(value) : null,
    digest: snapshot.digest ?? (value ? valueDigest(value) : null),
    meta: Object.keys(meta).length ? JSON.stringify(meta) : null,
  };
}

/**
 * Writes one audit entry and waits for it: callers await this before answering, so an entry exists for
 * every operation that reached a cache, even when the process dies right after.
 */
export async function recordAudit(input: AuditInput): Promise<number> {
  const before = columns(input.before);
  const after = columns(input.after);
  const entry = await db().auditEntry.create({
    data: {
      actorId: input.actor?.id ?? null,
      actorEmail: input.actor?.email ?? (input.system ? "(system)" : "(anonymous)"),
      connectionId: input.connection?.id ?? null,
      connectionName: input.connection?.name ?? null,
      action: input.action,
      targetKey: input.targetKey ? new Uint8Array(input.targetKey) : null,
      detail: input.detail ? JSON.stringify(input.detail) : null,
      beforeValue: before.value,
      beforeDigest: before.digest,
      beforeMeta: before.meta,
      afterValue: after.value,
      afterDigest: after.digest,
      afterMeta: after.meta,
      outcome: input.outcome,
      errorCode: input.error?.code ?? null,
      errorMessage: input.error?.message?.slice(0, 2000) ?? null,
      clientAddress: input.clientAddress ?? null,
      undoOfId: input.undoOfId ?? null,
    },
  });
  return entry.id;
}
