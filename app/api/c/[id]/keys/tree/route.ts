import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { errorResponse, failureResponse } from "@/lib/browser/respond";
import { startTreeScan } from "@/lib/browser/tree-scan";
import { loadConnection } from "@/lib/connections/load";

/** Starts the background scan that builds the namespace tree; poll GET /api/c/[id]/jobs/[jobId]. */
export const POST = withUser("viewer", async ({ user }, _request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const connection = await loadConnection(id);
  if (!connection) return errorResponse("NOT_FOUND", "That connection does not exist.");
  try {
    const driver = connection.driver();
    if (!driver.capabilities.listKeys) return errorResponse("UNSUPPORTED", "This connection cannot list its keys.");
    const jobId = await startTreeScan({
      driver,
      kind: connection.profile.kind,
      connectionId: id,
      userId: user.id,
      delimiter: connection.profile.keyDelimiter,
    });
    return NextResponse.json({ jobId });
  } catch (error) {
    return failureResponse(error);
  }
});
