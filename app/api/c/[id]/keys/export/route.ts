import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { openExport, type ExportSelection } from "@/lib/server/transfer/export";
import { Refusal } from "@/lib/server/refusal";
import { defineRoute } from "@/lib/server/route";

const scopeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("database") }),
  z.object({ kind: z.literal("namespace"), prefix: bytesSchema.refine((p) => p.length > 0, "Choose a namespace") }),
  z.object({ kind: z.literal("glob"), match: z.string().min(1).max(64 * 1024), prefix: bytesSchema.optional() }),
  z.object({ kind: z.literal("keys"), keys: z.array(bytesSchema).min(1).max(100_000) }),
]);

/** A filename a browser accepts: the connection's name and the date, printable ASCII only. */
function filenameFor(name: string): string {
  const base = name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 60) || "keys";
  return `cacheboard-${base}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.jsonl`;
}

/**
 * Exports a namespace, a glob, chosen keys or the whole database as JSON Lines (format: `lib/wire/transfer.ts`),
 * written as the keyspace is scanned. Fetched by the browser, which counts bytes and lines as they come and
 * cancels by aborting the request. The export is also a job (header `x-cacheboard-job`): any instance reads
 * its progress and can cancel it, which ends the file with a CANCELLED line.
 */
export const POST = defineRoute({
  permission: "keys.export",
  connection: "load",
  invalid: "The export request is not valid",
  body: z.object({ scope: scopeSchema, dump: z.boolean().default(true) }),
  handler: async ({ body: { scope, dump }, connection, signedIn: { user } }) => {
    if (scope.kind !== "keys" && !connection.driver().capabilities.listKeys) throw new Refusal("UNSUPPORTED", "This connection cannot list its keys: export chosen keys instead.");
    const selection: ExportSelection = scope.kind === "glob" ? { kind: "glob", match: Buffer.from(scope.match, "utf8"), prefix: scope.prefix } : scope;
    const { jobId, stream } = await openExport(connection, selection, dump, user.id);
    return new Response(stream, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="${filenameFor(connection.profile.name)}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-cacheboard-job": jobId,
      },
    });
  },
});
