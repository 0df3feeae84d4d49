import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { bytesSchema } from "@/lib/actions/schemas";
import { withUser } from "@/lib/auth/guard";
import { keyPage } from "@/lib/browser/key-page";
import { errorResponse, failureResponse } from "@/lib/browser/respond";
import { loadConnection } from "@/lib/connections/load";
import { keyFromParam } from "@/lib/key-text";

const KEY_TYPES = ["string", "hash", "list", "set", "zset", "stream"] as const;

const pageRequest = z.object({
  /** Opaque; carries a few leftover keys of the last scan step (see `keyPage`). */
  cursor: z.string().max(2048).optional(),
  /** Glob text in Redis MATCH syntax (UTF-8). */
  match: z.string().max(4096).optional(),
  /** base64 of the namespace prefix. */
  prefix: bytesSchema.optional(),
  /** base64 of one exact key. */
  exact: bytesSchema.optional(),
  type: z.enum(KEY_TYPES).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

type Context = { params: Promise<{ id: string }> };

async function answer(request: NextRequest, id: string, input: unknown): Promise<Response> {
  const parsed = pageRequest.safeParse(input);
  if (!parsed.success) return errorResponse("INVALID_ARGUMENT", parsed.error.issues.map((issue) => issue.message).join("; "));
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
  const { match, prefix, exact, ...rest } = parsed.data;
  try {
    const page = await keyPage(connection.driver(), {
      ...rest,
      match: match ? Buffer.from(match, "utf8") : undefined,
      prefix: prefix && prefix.length > 0 ? prefix : undefined,
      exact: exact && exact.length > 0 ? exact : undefined,
      signal: request.signal,
    });
    return NextResponse.json(page);
  } catch (error) {
    return failureResponse(error);
  }
}

/** One page of keys; bodies carry the prefix and exact key as base64, since keys are bytes. */
export const POST = withUser("viewer", async (_signedIn, request: NextRequest, { params }: Context) => {
  const { id } = await params;
  const body = (await request.json().catch(() => null)) as unknown;
  return answer(request, id, body ?? {});
});

/** The same page for shareable URLs: `?cursor=&q=<glob>&ns=<base64url prefix>&exact=<base64url key>&type=`. */
export const GET = withUser("viewer", async (_signedIn, request: NextRequest, { params }: Context) => {
  const { id } = await params;
  const search = request.nextUrl.searchParams;
  const toBase64 = (param: string | null) => (param ? Buffer.from(keyFromParam(param)).toString("base64") : undefined);
  const limit = search.get("limit");
  return answer(request, id, {
    cursor: search.get("cursor") ?? undefined,
    match: search.get("q") || undefined,
    prefix: toBase64(search.get("ns")),
    exact: toBase64(search.get("exact")),
    type: search.get("type") || undefined,
    limit: limit ? Number(limit) : undefined,
  });
});
