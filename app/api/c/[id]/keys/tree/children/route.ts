import { NextResponse, type NextRequest } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { fillLevel, readChildren } from "@/lib/browser/keyspace-index";
import { errorResponse, failureResponse } from "@/lib/browser/respond";
import { loadConnection } from "@/lib/connections/load";
import { keyFromParam } from "@/lib/key-text";

const MAX_LIMIT = 10_000;

/**
 * A page of one namespace's children from the shared index: `prefix` (base64url; empty for the first
 * level), `offset`, `limit` and `filter` (text the label must contain).
 */
export const GET = withUser("viewer", async (_signedIn, request: NextRequest, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
  const search = request.nextUrl.searchParams;
  const offset = Number(search.get("offset") ?? 0);
  const limit = Number(search.get("limit") ?? 200);
  const filter = search.get("filter") ?? "";
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT || filter.length > 1000) {
    return errorResponse("INVALID_ARGUMENT", `offset must be an integer ≥ 0, limit 1–${MAX_LIMIT}, filter at most 1,000 characters.`);
  }
  let prefix: Uint8Array;
  try {
    prefix = keyFromParam(search.get("prefix") ?? "");
  } catch {
    return errorResponse("INVALID_ARGUMENT", "prefix must be base64url.");
  }
  const page = readChildren(id, connection.profile.keyDelimiter, prefix, { offset, limit, filter });
  if (!page) return errorResponse("NOT_FOUND", "The namespace index has no such namespace (rescan to look again).");
  return NextResponse.json(page, { headers: { "cache-control": "no-store" } });
});

/**
 * `{ prefix }` (base64url): where the index capped that namespace's children, starts a scan of only its
 * keys that fills the level in; poll GET for `filling` to turn false.
 */
export const POST = withUser("viewer", async (_signedIn, request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
  const body = (await request.json().catch(() => null)) as { prefix?: unknown } | null;
  if (typeof body?.prefix !== "string" || body.prefix === "") return errorResponse("INVALID_ARGUMENT", "prefix (base64url of a namespace) is required.");
  let prefix: Buffer;
  try {
    prefix = Buffer.from(keyFromParam(body.prefix));
  } catch {
    return errorResponse("INVALID_ARGUMENT", "prefix must be base64url.");
  }
  try {
    const started = fillLevel({
      driver: connection.driver(),
      connectionId: id,
      delimiter: connection.profile.keyDelimiter,
      environment: connection.profile.environment,
      prefix,
    });
    return NextResponse.json({ started });
  } catch (error) {
    return failureResponse(error);
  }
});
