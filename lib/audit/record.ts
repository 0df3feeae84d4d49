import "server-only";
import { valueDigest } from "../drivers/digest";
import { db } from "../db";
import { cachedSettings } from "../settings";
import type { ErrorCode } from "../wire/errors";

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
  error?: { code: ErrorCode; message: string };
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

function rowOf(input: Omit<AuditInput, "outcome">) {
  const before = columns(input.before);
  const after = columns(input.after);
  return {
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
    errorCode: input.error?.code ?? null,
    errorMessage: input.error?.message?.slice(0, 2000) ?? null,
    clientAddress: input.clientAddress ?? null,
    undoOfId: input.undoOfId ?? null,
  };
}

/**
 * Writes one finished audit entry and waits for it (refusals, sign-ins, system work): callers await this
 * before answering. Changes to a cache use `openAudit` before the change and `completeAudit` after it.
 */
export async function recordAudit(input: AuditInput): Promise<number> {
  const entry = await db().auditEntry.create({ data: { ...rowOf(input), outcome: input.outcome, status: "done" } });
  return entry.id;
}

/**
 * Writes the intent of a change before it is made: an entry with status `pending` (or `running` for a
 * job). When this throws, the change must not be made — nothing may reach a cache unaudited. An entry
 * left pending says the server stopped, or the database failed, before the outcome could be written.
 */
export async function openAudit(input: Omit<AuditInput, "outcome" | "error">, status: "pending" | "running" = "pending"): Promise<number> {
  const entry = await db().auditEntry.create({ data: { ...rowOf(input), outcome: "pending", status } });
  return entry.id;
}

/** A job's progress on its open entry: the detail so far, status still running. */
export async function progressAudit(id: number, detail: Record<string, unknown>): Promise<void> {
  await db().auditEntry.update({ where: { id }, data: { detail: JSON.stringify(detail), status: "running" } });
}

/** Completes an entry opened by `openAudit` with everything known now and the final outcome. */
export async function completeAudit(id: number, input: AuditInput): Promise<void> {
  await db().auditEntry.update({ where: { id }, data: { ...rowOf(input), outcome: input.outcome, status: "done" } });
}
