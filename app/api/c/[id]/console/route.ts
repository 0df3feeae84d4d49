import { NextResponse } from "next/server";
import { z } from "zod";
import { clientAddress } from "@/lib/auth/session";
import { consoleOf } from "@/lib/server/console/dialects";
import { runConsoleLine } from "@/lib/server/console/run";
import { defineRoute } from "@/lib/server/route";
import { httpStatusOf } from "@/lib/wire/errors";

/** The console's command documentation, for autocomplete and the inline syntax (asked of the server once). */
export const GET = defineRoute({
  permission: "console.read",
  connection: "load",
  handler: async ({ connection }) => {
    const { dialect } = consoleOf(connection);
    return { ok: true, docs: await dialect.docs(connection) };
  },
});

/**
 * Runs one console line. Which lines a person may run is decided per command (lib/server/console/run.ts);
 * a refusal answers with its code's status, the reply of a command that ran (a Redis error reply included) 200.
 */
export const POST = defineRoute({
  permission: "console.read",
  connection: "load",
  body: z.object({
    line: z.string().max(1024 * 1024),
    /** The typed confirmation of a write on a production connection. */
    confirm: z.string().max(200).optional(),
  }),
  handler: async ({ signedIn, connection, body }) => {
    const result = await runConsoleLine({ signedIn, connection, line: body.line, confirm: body.confirm, clientAddress: await clientAddress() });
    if (result.ok) return result;
    return NextResponse.json(result, { status: httpStatusOf(result.code), headers: { "cache-control": "no-store" } });
  },
});
