import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { loadConnection } from "@/lib/connections/load";
import { isDriverError } from "@/lib/drivers/errors";

/** One sample of the server's counters; the stats page polls this and keeps the history itself. */
export const GET = withUser("viewer", async (_signedIn, _request: Request, context: { params: Promise<{ id: string }> }) => {
  const { id } = await context.params;
  const connection = await loadConnection(id);
  const headers = { "cache-control": "no-store" };
  if (!connection) return NextResponse.json({ ok: false, code: "NOT_FOUND", message: "That connection does not exist." }, { status: 404, headers });
  try {
    const stats = await connection.driver().stats();
    return NextResponse.json({ ok: true, at: Date.now(), stats }, { headers });
  } catch (error) {
    if (!isDriverError(error)) throw error;
    return NextResponse.json({ ok: false, code: error.code, message: error.message }, { status: 502, headers });
  }
});
