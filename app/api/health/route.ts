import { NextResponse } from "next/server";
import { db } from "@/lib/db";
import { definePublicRoute } from "@/lib/server/route";

/** A database that has not answered by then counts as down: a balancer's check must not hang. */
const TIMEOUT_MS = 3000;

async function databaseAnswers(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), TIMEOUT_MS);
  });
  const query = db()
    .$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For load balancers and container health checks, without a session: 200 `{"ok":true}` when the database
 * answers a trivial query, 503 `{"ok":false}` otherwise. No details, so it tells a stranger nothing.
 */
export const GET = definePublicRoute({
  handler: async () => {
    const ok = await databaseAnswers();
    return NextResponse.json({ ok }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
  },
});

export const dynamic = "force-dynamic";
