import "server-only";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { completeAudit, openAudit, recordAudit, type AuditInput, type AuditSnapshot } from "../audit/record";
import { requireActionUser } from "../auth/guard";
import { can, roleFor, type Permission } from "../auth/permissions";
import { clientAddress, type SignedIn } from "../auth/session";
import { loadConnection, type LoadedConnection } from "../connections/load";
import { DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "../db-errors";
import { isConflictError, isDriverError } from "../drivers/errors";
import { Refusal } from "../server/refusal";
import type { ErrorCode } from "../wire/errors";

/** What is stored now, when a collection edit was refused with CONFLICT: bytes as base64. */
export interface StoredNow {
  element?: string;
  value?: string | null;
  score?: number | null;
}

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; code: ErrorCode; message: string; fieldErrors?: Record<string, string[]>; stored?: StoredNow };

/** What an action tells the audit log; the wrapper completes the entry with it, whatever the outcome. */
export interface AuditDraft {
  targetKey?: Buffer | null;
  detail?: Record<string, unknown>;
  before?: AuditSnapshot;
  after?: AuditSnapshot;
  undoOfId?: number | null;
  /** Set when a background job took over the entry (`auditEntryId`) and completes it itself. */
  handedOff?: boolean;
}

export interface ActionContext {
  user: SignedIn["user"];
  clientAddress: string | null;
  audit: AuditDraft;
  /** The pending entry written before `run` (audited actions only). */
  auditEntryId: number | null;
}

export interface ConnectionActionContext extends ActionContext {
  connection: LoadedConnection;
}

interface BaseOptions<S extends z.ZodType> {
  /** Audit action name, `<domain>.<verb>`. */
  name: string;
  input: S;
  /** What the caller must be allowed (mapped onto roles in `lib/auth/permissions.ts`). */
  permission: Permission;
  /** Mutating actions are audited; reads are not. */
  audited: boolean;
}

const unavailable = { ok: false as const, code: DATABASE_UNAVAILABLE, message: DATABASE_UNAVAILABLE_MESSAGE };

function failure(error: unknown): { code: ErrorCode; message: string; stored?: StoredNow } {
  if (isDatabaseUnavailable(error)) return { code: DATABASE_UNAVAILABLE, message: DATABASE_UNAVAILABLE_MESSAGE };
  if (isConflictError(error)) {
    const { element, value, score } = error.stored;
    const stored: StoredNow = { element: element?.toString("base64") };
    if (value !== undefined) stored.value = value === null ? null : value.toString("base64");
    if (score !== undefined) stored.score = score;
    return { code: error.code, message: error.message, stored };
  }
  if (isDriverError(error)) return { code: error.code, message: error.message };
  if (error instanceof Refusal) return { code: error.code, message: error.message };
  console.error(error);
  return { code: "INTERNAL", message: "Unexpected server error; the server log has the details." };
}

/**
 * The one way to define a server action: checks the session (401 when absent) and the permission, validates the
 * input with zod, loads the connection profile and refuses writes on read-only connections, turns expected
 * errors into `{ ok: false, code, message }`, and audits — also refusals and failures. An audited action's
 * entry is written as `pending` before `run` and completed after it; when the database cannot take that
 * intent, nothing runs and the answer is DATABASE_UNAVAILABLE.
 */
export function defineAction<S extends z.ZodType, T>(
  options: BaseOptions<S> & { connection?: undefined; run: (input: z.output<S>, ctx: ActionContext) => Promise<T> },
): (input: z.input<S>) => Promise<ActionResult<T>>;
export function defineAction<S extends z.ZodType<{ connectionId: string }>, T>(
  options: BaseOptions<S> & {
    connection: "read" | "write";
    run: (input: z.output<S>, ctx: ConnectionActionContext) => Promise<T>;
  },
): (input: z.input<S>) => Promise<ActionResult<T>>;
export function defineAction<S extends z.ZodType, T>(
  options: BaseOptions<S> & {
    connection?: "read" | "write";
    run: (input: z.output<S>, ctx: ConnectionActionContext) => Promise<T>;
  },
): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (rawInput) => {
    try {
      return await perform(rawInput);
    } catch (error) {
      if (isDatabaseUnavailable(error)) return unavailable;
      throw error;
    }
  };

  async function perform(rawInput: unknown): Promise<ActionResult<T>> {
    const signedIn = await requireActionUser();
    const address = await clientAddress();
    const actor = { id: signedIn.user.id, email: signedIn.user.email };
    const audit: AuditDraft = {};
    let connection: LoadedConnection | null = null;

    const entry = (outcome: AuditInput["outcome"], error?: { code: ErrorCode; message: string }): AuditInput => ({
      actor,
      connection: connection ? { id: connection.profile.id, name: connection.profile.name } : null,
      action: options.name,
      targetKey: audit.targetKey,
      // A change made in a database chosen with the db switcher says which, so it can be found and undone there.
      detail: connection?.db != null ? { ...audit.detail, db: connection.db } : audit.detail,
      before: audit.before,
      after: audit.after,
      undoOfId: audit.undoOfId,
      outcome,
      error: error && { code: error.code, message: error.message },
      clientAddress: address,
    });
    const refuse = async (error: { code: ErrorCode; message: string }): Promise<ActionResult<T>> => {
      if (options.audited) await recordAudit(entry("denied", error));
      return { ok: false, ...error };
    };

    if (!can(signedIn.user, options.permission)) {
      return refuse({ code: "FORBIDDEN", message: `This needs the ${roleFor(options.permission)} role.` });
    }

    const parsed = options.input.safeParse(rawInput);
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
      return { ok: false, code: "INVALID_ARGUMENT", message: "Some fields are not valid.", fieldErrors };
    }
    const input = parsed.data;

    if (options.connection) {
      const connectionId = (input as { connectionId: string }).connectionId;
      connection = await loadConnection(connectionId);
      if (!connection) return { ok: false, code: "NOT_FOUND", message: "That connection does not exist." };
      if (options.connection === "write" && connection.profile.readOnly) {
        return refuse({ code: "READ_ONLY", message: `The connection "${connection.profile.name}" is read-only.` });
      }
    }

    // The intent names the key when the input has one, so an entry left pending still says what was touched.
    const inputKey = (input as { key?: unknown }).key;
    if (Buffer.isBuffer(inputKey)) audit.targetKey = inputKey;
    const entryId = options.audited ? await openAudit(entry("ok")) : null;

    const settle = async (outcome: AuditInput["outcome"], error?: { code: ErrorCode; message: string }) => {
      if (entryId === null || audit.handedOff) return;
      try {
        await completeAudit(entryId, entry(outcome, error));
      } catch (auditError) {
        // The change was made; its entry stays pending, which is what the audit page then shows.
        console.error("Could not complete audit entry", entryId, auditError);
      }
    };

    try {
      const data = await options.run(input, {
        user: signedIn.user,
        clientAddress: address,
        audit,
        auditEntryId: entryId,
        connection: connection as LoadedConnection,
      });
      await settle("ok");
      return { ok: true, data };
    } catch (error) {
      if (isRedirect(error)) await settle("ok");
      unstable_rethrow(error);
      const result = failure(error);
      await settle("error", result);
      return { ok: false, ...result };
    }
  }
}

/**
 * The only actions reachable without a session: signing in and creating the first admin. They still
 * validate input, turn errors into results, and record an audit entry (failed sign-ins included).
 */
export function definePublicAction<S extends z.ZodType, T>(options: {
  name: string;
  input: S;
  run: (input: z.output<S>, ctx: { clientAddress: string | null; audit: AuditDraft & { actor?: { id: string; email: string } } }) => Promise<T>;
}): (input: z.input<S>) => Promise<ActionResult<T>> {
  return async (rawInput) => {
    const address = await clientAddress();
    const parsed = options.input.safeParse(rawInput);
    if (!parsed.success) {
      const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
      return { ok: false, code: "INVALID_ARGUMENT", message: "Some fields are not valid.", fieldErrors };
    }
    const audit: AuditDraft & { actor?: { id: string; email: string } } = {};
    const write = (outcome: "ok" | "error" | "denied", error?: { code: ErrorCode; message: string }) =>
      recordAudit({
        actor: audit.actor ?? null,
        action: options.name,
        detail: audit.detail,
        outcome,
        error: error && { code: error.code, message: error.message },
        clientAddress: address,
      }).catch((auditError: unknown) => {
        console.error("Could not write audit entry", auditError);
      });
    try {
      const data = await options.run(parsed.data, { clientAddress: address, audit });
      await write("ok");
      return { ok: true, data };
    } catch (error) {
      // A redirect after success is how Next.js ends an action; it is not a failure.
      if (isRedirect(error)) {
        await write("ok");
        throw error;
      }
      unstable_rethrow(error);
      const result = failure(error);
      // With the database down the entry cannot be written either; the person is told why.
      if (result.code !== DATABASE_UNAVAILABLE) await write(error instanceof Refusal ? "denied" : "error", result);
      return { ok: false, ...result };
    }
  };
}

function isRedirect(error: unknown): boolean {
  return typeof error === "object" && error !== null && String((error as { digest?: unknown }).digest).startsWith("NEXT_REDIRECT");
}
