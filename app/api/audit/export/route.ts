import { eachAuditEntry, filterFromParams } from "@/lib/audit/query";
import type { AuditEntry } from "@/lib/db";
import { keyText } from "@/lib/wire/keys";
import { csvCell } from "@/lib/server/csv";
import { defineRoute } from "@/lib/server/route";

const COLUMNS = ["id", "at", "actor", "connection", "action", "key", "keyBase64", "outcome", "status", "errorCode", "errorMessage", "detail", "beforeDigest", "beforeMeta", "afterDigest", "afterMeta", "undoOfId", "clientAddress"] as const;

function row(entry: AuditEntry): Record<(typeof COLUMNS)[number], string | number | null> {
  const key = entry.targetKey ? Buffer.from(entry.targetKey) : null;
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actorEmail,
    connection: entry.connectionName,
    action: entry.action,
    key: key ? keyText(key).text : null,
    keyBase64: key ? key.toString("base64") : null,
    outcome: entry.outcome,
    status: entry.status,
    errorCode: entry.errorCode,
    errorMessage: entry.errorMessage,
    detail: entry.detail,
    beforeDigest: entry.beforeDigest,
    beforeMeta: entry.beforeMeta,
    afterDigest: entry.afterDigest,
    afterMeta: entry.afterMeta,
    undoOfId: entry.undoOfId,
    clientAddress: entry.clientAddress,
  };
}

/** The filtered audit log as CSV or JSON Lines, streamed in batches. Values themselves are not exported. */
export const GET = defineRoute({
  permission: "audit.read",
  handler: async ({ request }) => {
    const format = request.nextUrl.searchParams.get("format") === "jsonl" ? "jsonl" : "csv";
    const filter = filterFromParams(request.nextUrl.searchParams);
    const encoder = new TextEncoder();
    const entries = eachAuditEntry(filter);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (format === "csv") controller.enqueue(encoder.encode(`${COLUMNS.join(",")}\r\n`));
      },
      async pull(controller) {
        const next = await entries.next();
        if (next.done) return controller.close();
        const values = row(next.value);
        const line = format === "csv" ? `${COLUMNS.map((c) => csvCell(values[c])).join(",")}\r\n` : `${JSON.stringify(values)}\n`;
        controller.enqueue(encoder.encode(line));
      },
    });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return new Response(stream, {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="cacheboard-audit-${stamp}.${format === "csv" ? "csv" : "jsonl"}"`,
        "cache-control": "no-store",
      },
    });
  },
});
