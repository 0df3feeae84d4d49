"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { undoEntry } from "../../audit/undo";
import { db } from "../../db";
import { defineAction } from "../define-action";
import { Refusal } from "../../server/refusal";
import { connectionIdSchema } from "../schemas";
import { loadConnection } from "../../connections/load";
import { connectionRef } from "../../wire/connection-ref";

/**
 * Restores the key an audit entry changed to its state before that change. Recorded as a new entry that
 * points at the undone one (and can itself be undone).
 */
export const undoAuditEntry = defineAction({
  name: "audit.undo",
  input: z.object({ connectionId: connectionIdSchema, entryId: z.number().int().positive(), force: z.boolean().default(false) }),
  permission: "audit.undo",
  audited: true,
  connection: "write",
  run: async ({ entryId, force }, ctx) => {
    const entry = await db().auditEntry.findUnique({ where: { id: entryId } });
    if (!entry || entry.connectionId !== ctx.connection.profile.id) {
      throw new Refusal("NOT_FOUND", "That audit entry does not belong to this connection.");
    }
    ctx.audit.undoOfId = entry.id;
    ctx.audit.targetKey = entry.targetKey ? Buffer.from(entry.targetKey) : null;
    ctx.audit.detail = { undoOf: entry.id, action: entry.action, force };
    // The change was made in the database its entry names (db switcher); the undo goes there too.
    const entryDb = (JSON.parse(entry.detail ?? "{}") as { db?: unknown }).db;
    const target =
      typeof entryDb === "number" && entryDb !== ctx.connection.db ? await loadConnection(connectionRef(ctx.connection.profile.id, entryDb)) : ctx.connection;
    if (!target) throw new Refusal("NOT_FOUND", "The database of that audit entry cannot be reached through this connection.");
    if (target !== ctx.connection) ctx.audit.detail.db = entryDb;
    const outcome = await undoEntry(target.driver(), entry, force);
    ctx.audit.before = outcome.before;
    ctx.audit.after = outcome.after;
    revalidatePath("/audit");
    return { restored: outcome.restored };
  },
});
