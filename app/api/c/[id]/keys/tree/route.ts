import { NextResponse, type NextRequest } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { cancelScan, ensureIndex, readIndex } from "@/lib/browser/keyspace-index";
import { errorResponse, failureResponse } from "@/lib/browser/respond";
import { loadConnection, type LoadedConnection } from "@/lib/connections/load";

type Context = { params: Promise<{ id: string }> };

async function listable(id: string): Promise<LoadedConnection | NextResponse> {
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
  if (!connection.driver().capabilities.listKeys) return errorResponse("UNSUPPORTED", "This connection cannot list its keys.");
  return connection;
}

async function start(connection: LoadedConnection, rescan: boolean): Promise<void> {
  await ensureIndex({
    driver: connection.driver(),
    kind: connection.profile.kind,
    connectionId: connection.profile.id,
    delimiter: connection.profile.keyDelimiter,
    environment: connection.profile.environment,
    rescan,
  });
}

/**
 * The connection's shared namespace index: its status and first level. The first request for a connection
 * starts the scan. `?generation=…&version=…` (from the previous answer) asks only for what changed.
 */
export const GET = withUser("viewer", async (_signedIn, request: NextRequest, { params }: Context) => {
  const { id } = await params;
  const connection = await listable(id);
  if (connection instanceof NextResponse) return connection;
  try {
    const delimiter = connection.profile.keyDelimiter;
    const search = request.nextUrl.searchParams;
    const generation = Number(search.get("generation"));
    const version = Number(search.get("version"));
    const since = Number.isInteger(generation) && Number.isInteger(version) && search.has("generation") ? { generation, version } : undefined;
    if (!readIndex(id, delimiter)) await start(connection, false);
    return NextResponse.json(readIndex(id, delimiter, since), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return failureResponse(error);
  }
});

/** Starts a rescan (unless one runs); the current index stays in use until the new one is complete. */
export const POST = withUser("viewer", async (_signedIn, _request: Request, { params }: Context) => {
  const { id } = await params;
  const connection = await listable(id);
  if (connection instanceof NextResponse) return connection;
  try {
    await start(connection, true);
    return NextResponse.json(readIndex(id, connection.profile.keyDelimiter));
  } catch (error) {
    return failureResponse(error);
  }
});

/** Stops the running scan: a first scan keeps what it found so far, a rescan leaves the old index. */
export const DELETE = withUser("viewer", async (_signedIn, _request: Request, { params }: Context) => {
  const { id } = await params;
  const connection = await listable(id);
  if (connection instanceof NextResponse) return connection;
  return NextResponse.json({ cancelled: cancelScan(id, connection.profile.keyDelimiter) });
});
