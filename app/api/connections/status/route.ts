import { NextResponse } from "next/server";
import { withUser } from "@/lib/auth/guard";
import { connectionHealth } from "@/lib/connections/health";

/** Reachability and latency of every connection, for the sidebar's status dots. */
export const GET = withUser("viewer", async () =>
  NextResponse.json({ ok: true, connections: await connectionHealth() }, { headers: { "cache-control": "no-store" } }),
);
