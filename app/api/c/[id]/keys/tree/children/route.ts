import { NextResponse, type NextRequest } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { readChildren } from "@/lib/browser/keyspace-index";
import { errorResponse } from "@/lib/browser/respond";
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
